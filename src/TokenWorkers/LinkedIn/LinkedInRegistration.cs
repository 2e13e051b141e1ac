using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using TokenWorkers.Ports;
using TokenWorkers.Runtime;

namespace TokenWorkers.LinkedIn;

public static class LinkedInRegistration
{
    /// <summary>LinkedIn's OAuth and API clients, each watched by the reachability handler that feeds the health check.</summary>
    public static IServiceCollection AddLinkedIn(this IServiceCollection services)
    {
        services.AddValidatedOptions<LinkedInOptions>(LinkedInOptions.SectionName);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<LinkedInOptions>, LinkedInSecretValidator>());
        services.AddValidatedOptions<LinkedInPostingOptions>(LinkedInPostingOptions.SectionName);
        // The clients enforce LinkedIn:RequestTimeout themselves, so a timeout is told apart from a shutdown.
        services.AddHttpClient<LinkedInOAuthClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<LinkedInReachabilityHandler>();
        services.AddHttpClient<LinkedInApiClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .AddHttpMessageHandler<LinkedInReachabilityHandler>()
            .AddHttpMessageHandler<LinkedInVersionHandler>();
        // Image uploads never follow a redirect: the token goes with the bytes, and only to hosts UploadUrlPolicy allows.
        services.AddHttpClient<LinkedInImagesClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .AddHttpMessageHandler<LinkedInReachabilityHandler>()
            .AddHttpMessageHandler<LinkedInVersionHandler>();
        // The proxy's calls are the callers' own: LinkedIn-Version is theirs to send, so no version handler here.
        services.AddHttpClient<LinkedInPassThroughClient>(http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false })
            .AddHttpMessageHandler<LinkedInReachabilityHandler>();
        // The core's ports, served by the typed clients.
        services.TryAddTransient<ILinkedInPassThrough>(sp => sp.GetRequiredService<LinkedInPassThroughClient>());
        services.TryAddTransient<ILinkedInOAuth>(sp => sp.GetRequiredService<LinkedInOAuthClient>());
        services.TryAddTransient<ILinkedInApi>(sp => sp.GetRequiredService<LinkedInApiClient>());
        services.TryAddTransient<ILinkedInImages>(sp => sp.GetRequiredService<LinkedInImagesClient>());
        services.TryAddSingleton<LinkedInApps>();
        services.TryAddSingleton<ILinkedInApps>(sp => sp.GetRequiredService<LinkedInApps>());
        services.TryAddSingleton<LinkedInReachability>();
        services.TryAddTransient<LinkedInReachabilityHandler>();
        services.TryAddSingleton<LinkedInVersionMonitor>();
        services.TryAddTransient<LinkedInVersionHandler>();
        return services;
    }
}
