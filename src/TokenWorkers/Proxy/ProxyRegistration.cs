using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenWorkers.Runtime;

namespace TokenWorkers.Proxy;

public static class ProxyRegistration
{
    /// <summary>The proxy's settings and forwarder; its routes are mapped with the admin API, whose keys it uses.</summary>
    public static IServiceCollection AddProxy(this IServiceCollection services, IConfiguration configuration)
    {
        var adminEnabled = configuration.GetSection("Admin").GetValue<bool>("Enabled");
        services.AddValidatedOptions<ProxyOptions>(ProxyOptions.SectionName)
            .Validate(o => adminEnabled || (!o.Enabled && !o.TokenVending.Enabled),
                "Proxy:Enabled and Proxy:TokenVending:Enabled need Admin:Enabled: their callers present admin keys.");
        services.TryAddScoped<LinkedInProxy>();
        return services;
    }
}
