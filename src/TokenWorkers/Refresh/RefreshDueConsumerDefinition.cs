using MassTransit;
using Microsoft.Extensions.Options;

namespace TokenWorkers.Refresh;

/// <summary>Failure policy for <see cref="RefreshDueConsumer"/>: quick retries only; longer waits live in the store.</summary>
public sealed class RefreshDueConsumerDefinition : ConsumerDefinition<RefreshDueConsumer>
{
    private readonly IReadOnlyList<TimeSpan> _intervals;

    public RefreshDueConsumerDefinition(IOptions<RefreshOptions> options)
    {
        _intervals = options.Value.EffectiveQuickRetryIntervals;
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
            retry.Intervals([.. _intervals]);
        });
    }
}
