using System.Diagnostics;
using System.Runtime.ExceptionServices;
using MassTransit;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Telemetry;
using ConcurrencyException = TokenWorkers.Events.ConcurrencyException;

namespace TokenWorkers.Outbox;

/// <summary>
/// The one writer of aggregates (connections and post entries): read, decide, write conditionally on the version read,
/// and on a conflict read again and decide again; never an unconditional overwrite. After a winning write it publishes
/// the document's pending events and removes them with one version-checked statement. It is the only code that publishes
/// from an outbox, so a new capability cannot forget to: it returns its events from a transition and they go out.
/// A crash or a failed publish after the write leaves the events in the document, and the sweep publishes them later
/// with the same ids.
/// </summary>
public sealed class AggregateWriter<T>(IAggregateStore<T> store, IPublishEndpoint publisher, TimeProvider time, ILogger<AggregateWriter<T>> logger)
    where T : class, IVersionedAggregate<T>
{
    private const int MaxAttempts = 16;

    // Tries of one write that failed without being stored; more would only hold the message while the store is down.
    private const int MaxTriesOfOneWrite = 3;

    /// <summary>
    /// Applies <paramref name="decide"/> to the latest stored aggregate until a write wins, or until it decides that
    /// nothing should change. <paramref name="alreadyRead"/> saves the first read when the caller has just read (or
    /// written) the document; a conflict always reads again. <c>Current</c> is null when the aggregate does not exist.
    /// </summary>
    public Task<Written<T>> UpdateAsync(
        string id, Func<T, DateTimeOffset, Change<T>?> decide, CancellationToken cancellationToken, T? alreadyRead = null)
    {
        ArgumentNullException.ThrowIfNull(decide);
        return UpsertAsync(id, (current, now) => current is null ? null : decide(current, now), cancellationToken, alreadyRead);
    }

    /// <summary>
    /// As <see cref="UpdateAsync"/>, but <paramref name="decide"/> also sees a missing aggregate (null) and may create it.
    /// <paramref name="publish"/> false leaves the events in the stored outbox for the sweep, as <see cref="RewriteAsync"/>
    /// does: for a one-off command of the worker, which runs without a bus.
    /// </summary>
    public async Task<Written<T>> UpsertAsync(
        string id, Func<T?, DateTimeOffset, Change<T>?> decide, CancellationToken cancellationToken, T? alreadyRead = null, bool publish = true)
    {
        ArgumentNullException.ThrowIfNull(decide);
        OwnWrite<T>? tried = null;
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = attempt == 1 && alreadyRead is not null ? alreadyRead : await store.FindAsync(id, cancellationToken);
            if (tried is not null && tried.IsStoredIn(current))
            {
                // Answered "nothing matched", yet ours is there: a retried write whose first try had landed, the retry
                // finding the version it had already moved (a driver's retry after a failover, or ours below).
                OutboxLog.OwnWriteRecognised(logger, id, current!.Version, "no match");
                return new Written<T>(publish ? await PublishAsync(current, tried.Notices, cancellationToken) : current, Changed: true);
            }

            if (decide(current, time.GetUtcNow()) is not { } change)
            {
                return new Written<T>(current, Changed: false);
            }

            tried = new OwnWrite<T>(
                change.Next.WithEvents(CurrentTraceParent(), [.. change.Events]).WithWriteId(Guid.NewGuid()), current?.Version, change.Notices);
            if (await StoreAsync(id, tried, cancellationToken) is { } stored)
            {
                return new Written<T>(publish ? await PublishAsync(stored, tried.Notices, cancellationToken) : stored, Changed: true);
            }
        }

        throw new ConcurrencyException($"'{id}' kept changing under {MaxAttempts} consecutive writes; giving up this attempt.");
    }

    /// <summary>
    /// Stores the aggregate again as it is (its version plus one), conditional on the version read, reading it again and
    /// retrying on a conflict; publishes nothing. For writes that change how an aggregate is stored, not what it is: the
    /// re-encryption sweep, whose store encrypts every write under the active key. A writer that decided on the old
    /// version meets a conflict, reads again and decides again, so nothing it stores is lost. Events still in the outbox
    /// stay for the sweep, which is why no bus is needed (the worker's reencrypt command has none). Null when it is gone.
    /// </summary>
    public async Task<T?> RewriteAsync(string id, CancellationToken cancellationToken, T? alreadyRead = null)
    {
        for (var attempt = 1; attempt <= MaxAttempts; attempt++)
        {
            var current = attempt == 1 && alreadyRead is not null ? alreadyRead : await store.FindAsync(id, cancellationToken);
            if (current is null)
            {
                return null;
            }

            if (await store.TryUpdateAsync(current.WithWriteId(Guid.NewGuid()), current.Version, cancellationToken) is { } stored)
            {
                return stored;
            }
        }

        throw new ConcurrencyException($"'{id}' kept changing under {MaxAttempts} consecutive rewrites; giving up this attempt.");
    }

    /// <summary>Publishes what a crash or a failed publish left in <paramref name="aggregate"/>'s outbox (the sweep).</summary>
    public Task<T> FlushAsync(T aggregate, CancellationToken cancellationToken) => PublishAsync(aggregate, [], cancellationToken);

    /// <summary>
    /// Announces an outcome again, with its original id, for a resent command whose work is already done (a finished post).
    /// Nothing is written: the outcome itself is in the store.
    /// </summary>
    public Task AnnounceAgainAsync(object message, CancellationToken cancellationToken) =>
        SendOneAsync(message, message.GetType(), cancellationToken);

    /// <summary>
    /// Publishes an event that no document records: the deletion of a post made elsewhere, which has no ledger entry. The
    /// command that caused it stands in for the outbox: it is acknowledged only after this publish, and a redelivery repeats
    /// an idempotent call and announces the same id.
    /// </summary>
    public Task AnnounceUnrecordedAsync(object message, CancellationToken cancellationToken) =>
        SendOneAsync(message, message.GetType(), cancellationToken);

    /// <summary>
    /// The conditional write of <paramref name="write"/>: the stored aggregate, or null when someone else wrote first. A write
    /// that throws may have been stored all the same (a connection reset after the commit, a failover before the reply),
    /// so the document is read again: ours is recognised by its version and write id; one still on the version decided on
    /// was not stored and is tried again, the same write, a few times; anything else is someone else's write.
    /// </summary>
    private async Task<T?> StoreAsync(string id, OwnWrite<T> write, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return write.ExpectedVersion is { } expected
                    ? await store.TryUpdateAsync(write.Next, expected, cancellationToken)
                    : await store.TryInsertAsync(write.Next, cancellationToken);
            }
            catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                T? found;
                try
                {
                    found = await store.FindAsync(id, cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // Unreadable too: the outcome stays unknown, and the write's own error says why.
                    ExceptionDispatchInfo.Throw(ex);
                    throw;
                }

                if (write.IsStoredIn(found))
                {
                    OutboxLog.OwnWriteRecognised(logger, id, found!.Version, ex.GetType().Name);
                    return found;
                }

                if (!write.CanStillApplyTo(found))
                {
                    return null;
                }

                if (attempt >= MaxTriesOfOneWrite)
                {
                    throw;
                }

                OutboxLog.WriteRetried(logger, id, write.ExpectedVersion ?? 0, ex.GetType().Name, attempt + 1, MaxTriesOfOneWrite);
            }
        }
    }

    private async Task<T> PublishAsync(T stored, IReadOnlyList<object> notices, CancellationToken cancellationToken)
    {
        var result = stored.PendingEvents.Count == 0 ? stored : await PublishPendingAsync(stored, cancellationToken);

        // Notices go out after the outbox is cleared: a notice starts the next writer (a RefreshDue's consumer takes the
        // lease at once), and a writer that reads the document before the clear would publish its events a second time.
        try
        {
            foreach (var notice in notices)
            {
                await SendOneAsync(notice, notice.GetType(), cancellationToken);
            }
        }
        catch (Exception ex)
        {
            // A notice is not stored; whatever it announces is repaired by its owner (a RefreshDue by the lapsing claim).
            OutboxLog.NoticeLost(logger, stored.Id, stored.Version, ex.GetType().Name);
        }

        return result;
    }

    private async Task<T> PublishPendingAsync(T stored, CancellationToken cancellationToken)
    {
        try
        {
            foreach (var pending in stored.PendingEvents)
            {
                var (message, type) = EventCodec.FromPending(pending);
                using var resumed = ResumeTrace(pending);
                await SendOneAsync(message, type, cancellationToken);
            }

            if (await store.TryClearPendingEventsAsync(stored.Id, stored.Version, cancellationToken))
            {
                return stored.WithPendingEvents([]);
            }
        }
        catch (Exception ex)
        {
            // The state is stored; its events stay in the document and the sweep publishes them (same ids).
            OutboxLog.LeftForSweep(logger, stored.Id, stored.Version, ex.GetType().Name);
        }

        return stored;
    }

    private static string? CurrentTraceParent() =>
        Activity.Current is { IdFormat: ActivityIdFormat.W3C } activity ? activity.Id : null;

    /// <summary>
    /// A span in the trace of the write that decided <paramref name="pending"/>, when it is published in another one (the
    /// sweep's, or a later writer's), so the publish and everything downstream of it continue the original trace. The
    /// current trace is linked. Null when the event is published in the trace that decided it, or nobody records spans.
    /// </summary>
    private static Activity? ResumeTrace(PendingEvent pending)
    {
        if (pending.TraceParent is not { } traceParent
            || !ActivityContext.TryParse(traceParent, null, isRemote: true, out var decided)
            || Activity.Current?.TraceId == decided.TraceId)
        {
            return null;
        }

        ActivityLink[]? links = Activity.Current is { } current ? [new ActivityLink(current.Context)] : null;
        var activity = TokenWorkersTracing.Source.StartActivity("outbox publish", ActivityKind.Internal, decided, links: links);
        activity?.SetTag("tokenworkers.event.kind", pending.Kind);
        activity?.SetTag("tokenworkers.event.id", pending.EventId.ToString());
        return activity;
    }

    private async Task SendOneAsync(object message, Type type, CancellationToken cancellationToken)
    {
        var id = message switch
        {
            IConnectionEvent e => e.EventId,
            IPostEvent e => e.EventId,
            PostDeleted e => e.EventId,
            _ => throw new ArgumentException($"{type.Name} is not an event of TokenWorkers.", nameof(message)),
        };
        await publisher.Publish(message, type, Pipe.Execute<PublishContext>(context => context.MessageId = id), cancellationToken);
        OutboxLog.Published(logger, type.Name, id);
    }
}
