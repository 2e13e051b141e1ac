using MassTransit;
using Microsoft.Extensions.Options;
using TokenWorkers.Messaging;

namespace TokenWorkers.Publishing;

/// <summary>
/// Failure policy for <see cref="DeletePostConsumer"/>: a transient failure (5xx, no answer, a post still being published) is
/// retried in process, <c>Publishing:QuickRetryCount</c> times with growing intervals, then the command faults to
/// <c>delete-post_error</c> with its reason. Deleting is idempotent at LinkedIn, so a retry after a lost answer is safe. A
/// command that cannot be carried out (invalid, unknown, another tenant's) or that LinkedIn refuses is never retried.
/// </summary>
public sealed class DeletePostConsumerDefinition : ConsumerDefinition<DeletePostConsumer>
{
    private readonly PublishingOptions _options;

    public DeletePostConsumerDefinition(IOptions<PublishingOptions> options)
    {
        _options = options.Value;
    }

    protected override void ConfigureConsumer(
        IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<DeletePostConsumer> consumerConfigurator,
        IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Ignore<InvalidMessageException>();
            retry.Ignore<PostNotDeletedException>();
            retry.Incremental(_options.QuickRetryCount, _options.QuickRetryInterval, _options.QuickRetryInterval);
        });
    }
}
