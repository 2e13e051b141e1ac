using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenWorkers.Messaging;
using TokenWorkers.Runtime;

namespace TokenWorkers.Publishing;

public static class PublishingRegistration
{
    /// <summary>The publishing capability: its settings, the token provider, the post orchestrator and the resumption scan.</summary>
    public static IServiceCollection AddPublishing(this IServiceCollection services)
    {
        services.AddValidatedOptions<PublishingOptions>(PublishingOptions.SectionName);
        services.TryAddScoped<AccessTokenProvider>();
        services.TryAddSingleton<OrganizationRoleCache>();
        services.TryAddScoped<OrganizationAccess>();
        services.TryAddScoped<PostAttempt>();
        services.TryAddScoped<PostPublisher>();
        services.TryAddScoped<PostResumer>();
        services.TryAddScoped<PostCanceller>();
        services.TryAddScoped<PostDeleter>();
        services.TryAddScoped<CommandSender>();
        return services;
    }
}
