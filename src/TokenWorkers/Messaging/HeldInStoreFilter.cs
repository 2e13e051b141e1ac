using MassTransit;

namespace TokenWorkers.Messaging;

/// <summary>
/// The failure policy's last step, declared in consumer definitions: a <see cref="HeldInStoreException"/> is rethrown
/// while quick retries remain, and on the last attempt the message completes, because its next attempt already waits
/// in the store. Sits inside the endpoint's retry filter (it is a consumer filter), so it sees each attempt.
/// </summary>
public sealed class HeldInStoreFilter<TConsumer>(int quickRetries) : IFilter<ConsumerConsumeContext<TConsumer>>
    where TConsumer : class
{
    public async Task Send(ConsumerConsumeContext<TConsumer> context, IPipe<ConsumerConsumeContext<TConsumer>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next.Send(context);
        }
        catch (HeldInStoreException) when (context.GetRetryAttempt() >= quickRetries)
        {
            // The store holds the backoff: no fault, no error queue; the scan dispatches it again when it is due.
        }
    }

    public void Probe(ProbeContext context) => context?.CreateFilterScope("heldInStore");
}
