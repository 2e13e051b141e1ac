using System.Collections.Concurrent;
using MassTransit;
using TokenWorkers.Contracts;

namespace TokenWorkers.Tests.Pipeline;

/// <summary>
/// Another service's view of the worker: a subscriber on its own endpoint that records every event.
/// Duplicates (same EventId) are kept in <see cref="Deliveries"/> and dropped from <see cref="Events"/>,
/// as a real subscriber would.
/// </summary>
public sealed class EventRecorder
{
    private readonly ConcurrentQueue<IConnectionEvent> _deliveries = new();

    public IReadOnlyList<IConnectionEvent> Deliveries => [.. _deliveries];

    public IReadOnlyList<IConnectionEvent> Events => Deliveries.DistinctBy(e => e.EventId).ToArray();

    public IReadOnlyList<T> Of<T>() where T : IConnectionEvent => Events.OfType<T>().ToArray();

    public IReadOnlyList<T> Of<T>(string connectionId) where T : IConnectionEvent =>
        Events.OfType<T>().Where(e => e.ConnectionId == connectionId).ToArray();

    /// <summary>Raised on every delivery, duplicates included, on the consumer's thread (for timing).</summary>
    public event Action<object>? Delivered;

    internal void Record(IConnectionEvent message)
    {
        _deliveries.Enqueue(message);
        Delivered?.Invoke(message);
    }

    private readonly ConcurrentQueue<IPostEvent> _postDeliveries = new();

    /// <summary>Every posting event delivered, duplicates (same EventId) included.</summary>
    public IReadOnlyList<IPostEvent> PostDeliveries => [.. _postDeliveries];

    /// <summary>The posting events of <paramref name="postId"/> of type <typeparamref name="T"/>, duplicates dropped.</summary>
    public IReadOnlyList<T> Posts<T>(string postId) where T : IPostEvent =>
        PostDeliveries.DistinctBy(e => e.EventId).OfType<T>().Where(e => e.PostId == postId).ToArray();

    private readonly ConcurrentQueue<PostDeleted> _deletions = new();

    /// <summary>Every PostDeleted delivered, duplicates (same EventId) included: it is a posting event outside <see cref="IPostEvent"/>.</summary>
    public IReadOnlyList<PostDeleted> Deletions => [.. _deletions];

    internal void Record(PostDeleted message)
    {
        _deletions.Enqueue(message);
        Delivered?.Invoke(message);
    }

    internal void Record(IPostEvent message)
    {
        _postDeliveries.Enqueue(message);
        Delivered?.Invoke(message);
    }
}

/// <summary>The recorder's consumer; it subscribes to every event but RefreshDue, which the worker consumes, and to the posting outcomes.</summary>
public sealed class EventRecorderConsumer(EventRecorder recorder) :
    IConsumer<TokenRefreshed>, IConsumer<ReauthRequired>, IConsumer<ReauthSoon>, IConsumer<ConnectionRecovered>, IConsumer<ConnectionAuthorized>,
    IConsumer<ConnectionDisconnected>,
    IConsumer<PostPublished>, IConsumer<PostFailed>, IConsumer<PostOutcomeUnknown>, IConsumer<PostScheduled>, IConsumer<PostCancelled>, IConsumer<PostHeld>,
    IConsumer<PostDeleted>
{
    public Task Consume(ConsumeContext<PostDeleted> context)
    {
        recorder.Record(context.Message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<PostScheduled> context) => Record(context.Message);

    public Task Consume(ConsumeContext<PostCancelled> context) => Record(context.Message);

    public Task Consume(ConsumeContext<PostHeld> context) => Record(context.Message);

    public Task Consume(ConsumeContext<PostOutcomeUnknown> context) => Record(context.Message);

    public Task Consume(ConsumeContext<PostPublished> context) => Record(context.Message);

    public Task Consume(ConsumeContext<PostFailed> context) => Record(context.Message);

    private Task Record(IPostEvent message)
    {
        recorder.Record(message);
        return Task.CompletedTask;
    }

    public Task Consume(ConsumeContext<TokenRefreshed> context) => Record(context.Message);

    public Task Consume(ConsumeContext<ReauthRequired> context) => Record(context.Message);

    public Task Consume(ConsumeContext<ReauthSoon> context) => Record(context.Message);

    public Task Consume(ConsumeContext<ConnectionRecovered> context) => Record(context.Message);

    public Task Consume(ConsumeContext<ConnectionAuthorized> context) => Record(context.Message);

    public Task Consume(ConsumeContext<ConnectionDisconnected> context) => Record(context.Message);

    private Task Record(IConnectionEvent message)
    {
        recorder.Record(message);
        return Task.CompletedTask;
    }
}
