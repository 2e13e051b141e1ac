using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Messaging;

namespace TokenWorkers.Publishing;

/// <summary>
/// Failure policy for <see cref="PublishPostConsumer"/>: quick in-process retries of a transient failure (one that surely
/// did not create the post), then the ledger's NotBefore (the message completes); an invalid command never retries.
/// </summary>
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
        consumerConfigurator.UseFilter(new HeldInStoreFilter<PublishPostConsumer>(_options.QuickRetryCount));
    }
}
