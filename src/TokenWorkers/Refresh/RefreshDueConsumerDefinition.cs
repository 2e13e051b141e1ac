using MassTransit;
using Microsoft.Extensions.Options;

namespace TokenWorkers.Refresh;

/// <summary>Failure policy for <see cref="RefreshDueConsumer"/>: quick retries only; longer waits live in the store.</summary>
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
    }
}
