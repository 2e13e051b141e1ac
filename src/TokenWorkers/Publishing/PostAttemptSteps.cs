using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Posts;

namespace TokenWorkers.Publishing;

/// <summary>
/// The calls and writes of one attempt on a claimed post, as its holder: each call to LinkedIn goes with a fresh token through
/// <see cref="AccessTokenProvider"/> and only after the claim is known to outlive it (renewed when less than
/// <paramref name="claimMustCover"/> is left), so a long series of uploads never runs on a claim someone else could take.
/// </summary>
public sealed class PostAttemptSteps(
    AggregateWriter<PostEntry> posts, AccessTokenProvider tokens, PostEntry claimed, string holder, Connection connection,
    TimeSpan claimMustCover, TimeSpan claimDuration) : IPostSteps
{
    public string Holder => holder;

    public PostEntry Current { get; private set; } = claimed;

    /// <summary>The connection as the last call left it (a refresh replaces it).</summary>
    public Connection Connection { get; private set; } = connection;

    public async Task<ApiResult> CallAsync(Func<SecretToken, Task<ApiResult>> linkedInCall, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(linkedInCall);
        var (result, after) = await tokens.CallAsync(Connection, async token =>
            await HoldClaimAsync(cancellationToken) ? await linkedInCall(token) : ClaimLost.Instance, cancellationToken);
        Connection = after;
        return result;
    }

    public async Task<PostEntry?> RecordAsync(Func<PostEntry, DateTimeOffset, Change<PostEntry>?> transition, CancellationToken cancellationToken)
    {
        var written = await posts.UpdateAsync(Current.PostId, transition, cancellationToken, Current);
        if (!written.Changed)
        {
            return null;
        }

        Current = written.Current!;
        return Current;
    }

    /// <summary>
    /// Makes sure the claim outlives the call about to be made (an inline refresh, a 401 or a long upload may have used much of it),
    /// renewing it when less than a call's worth is left; false when someone else holds the post now.
    /// </summary>
    public async Task<bool> HoldClaimAsync(CancellationToken cancellationToken)
    {
        // Starts from the entry this attempt last wrote: while our claim is live nobody else can have changed it.
        var held = await posts.UpdateAsync(Current.PostId, (e, now) =>
            e.Claim is { } claim && claim.Holder == holder && e.State == PostState.Publishing && claim.Until - now >= claimMustCover
                ? null
                : PostTransitions.RenewClaim(e, now, holder, claimDuration), cancellationToken, Current);
        Current = held.Current ?? Current;

        return held.Current is { State: PostState.Publishing, Claim: { } current } && current.Holder == holder;
    }
}
