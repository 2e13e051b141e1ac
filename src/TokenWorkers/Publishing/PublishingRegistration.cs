using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenWorkers.Messaging;
using TokenWorkers.Ports;
using TokenWorkers.Runtime;

namespace TokenWorkers.Publishing;

public static class PublishingRegistration
{
    /// <summary>The publishing capability: its settings, the token provider, the post orchestrator and the resumption scan.</summary>
    public static IServiceCollection AddPublishing(this IServiceCollection services)
    {
        services.AddValidatedOptions<PublishingOptions>(PublishingOptions.SectionName);
        services.AddValidatedOptions<ImageOptions>(ImageOptions.SectionName);
        // Image URLs are fetched by a client that follows no redirect and keeps no cookies; ImageFetcher bounds time and size.
        services.AddHttpClient<ImageFetcher>(ImageFetcher.ClientName, http => http.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false, UseProxy = false });
        services.TryAddScoped<ImageSources>();
        services.TryAddScoped<ImageUploads>();
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
