using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Refresh;

namespace TokenWorkers.Publishing;

/// <summary>Failure policy for <see cref="PublishPostConsumer"/>: quick retries only; longer waits live in the ledger.</summary>
public sealed class PublishPostConsumerDefinition : ConsumerDefinition<PublishPostConsumer>
{
    private readonly PublishingOptions _options;

    public PublishPostConsumerDefinition(IOptions<PublishingOptions> options)
    {
        _options = options.Value;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<PublishPostConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<InvalidMessageException>();
            retry.Incremental(_options.QuickRetryCount, _options.QuickRetryInterval, _options.QuickRetryInterval);
        });
    }
}
