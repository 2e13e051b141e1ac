using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Runtime;

namespace TokenWorkers.Refresh;

public static class RefreshRegistration
{
    /// <summary>The refresh capability: its settings, the schedule it computes with, the refresher and the scan.</summary>
    public static IServiceCollection AddRefresh(this IServiceCollection services)
    {
        services.AddValidatedOptions<RefreshOptions>(RefreshOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<RefreshOptions>, RefreshOptionsValidator>());
        services.TryAddSingleton<IReconnectLinks, NoReconnectLinks>();
        services.TryAddSingleton(sp => new RefreshSchedule(sp.GetRequiredService<IOptions<RefreshOptions>>().Value.ToScheduleRules()));
        services.TryAddScoped<ConnectionRefresher>();
        services.TryAddScoped<AnswerWriter>();
        services.TryAddScoped<RefreshScanner>();
        return services;
    }
}
