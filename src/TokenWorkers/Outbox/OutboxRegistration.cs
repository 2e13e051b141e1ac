using Microsoft.Extensions.DependencyInjection.Extensions;
using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Posts;

namespace TokenWorkers.Outbox;

public static class OutboxRegistration
{
    /// <summary>
    /// The one writer for each aggregate over its store port, and the sweep. Scoped, because it publishes through the
    /// scope's publish endpoint: a consumer's events carry the consumed message's conversation.
    /// </summary>
    public static IServiceCollection AddOutbox(this IServiceCollection services)
    {
        services.TryAddSingleton<IAggregateStore<Connection>>(sp => sp.GetRequiredService<IConnectionStore>());
        services.TryAddSingleton<IAggregateStore<PostEntry>>(sp => sp.GetRequiredService<IPostLedger>());
        services.TryAddScoped(typeof(AggregateWriter<>));
        services.TryAddScoped<OutboxSweeper>();
        return services;
    }
}
