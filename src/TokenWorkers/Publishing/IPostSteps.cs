using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Ports;
using TokenWorkers.Posts;

namespace TokenWorkers.Publishing;

/// <summary>What a step of a claimed post needs from the attempt that holds it: calls to LinkedIn as its holder, and writes of its entry.</summary>
public interface IPostSteps
{
    /// <summary>Who holds the post's claim for this attempt.</summary>
    string Holder { get; }

    /// <summary>The entry as last written by this attempt.</summary>
    PostEntry Current { get; }

    /// <summary>
    /// Calls LinkedIn with a fresh token (refreshed once after a 401), first making sure the claim outlives the call;
    /// <see cref="ClaimLost"/> without calling when the post is someone else's now.
    /// </summary>
    Task<ApiResult> CallAsync(Func<SecretToken, Task<ApiResult>> linkedInCall, CancellationToken cancellationToken);

    /// <summary>Writes one step through the one writer; the entry after it, or null when the step no longer applies (the claim was lost).</summary>
    Task<PostEntry?> RecordAsync(Func<PostEntry, DateTimeOffset, Change<PostEntry>?> transition, CancellationToken cancellationToken);
}

/// <summary>A reason the post's images stop it, decided here rather than by LinkedIn: Invalid fails the post, Transient retries it later.</summary>
public sealed record ImageProblem(Contracts.FailureClass Class, string Reason) : ApiResult;
