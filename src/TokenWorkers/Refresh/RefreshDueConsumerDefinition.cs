using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Messaging;

namespace TokenWorkers.Refresh;

/// <summary>
/// Failure policy for <see cref="RefreshDueConsumer"/>: a few quick in-process retries of a transient failure, then the
/// store's backoff (the message completes); an invalid message or an unknown connection never retries and goes to the
/// error queue with its reason.
/// </summary>
public sealed class RefreshDueConsumerDefinition : ConsumerDefinition<RefreshDueConsumer>
{
    private readonly RefreshOptions _options;

    public RefreshDueConsumerDefinition(IOptions<RefreshOptions> options)
    {
        _options = options.Value;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<RefreshDueConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<InvalidMessageException>();
            retry.Ignore<UnknownConnectionException>();
            retry.Incremental(_options.QuickRetryCount, _options.QuickRetryInterval, _options.QuickRetryInterval);
        });
        consumerConfigurator.UseFilter(new HeldInStoreFilter<RefreshDueConsumer>(_options.QuickRetryCount));
    }
}
