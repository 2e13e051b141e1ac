using System.Text.RegularExpressions;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Posts;

namespace TokenWorkers.Chaos;

/// <summary>One invariant's verdict: its violations, and cases that looked like one but are explained (reported apart).</summary>
internal sealed record Verdict(string Name, string Meaning, IReadOnlyList<string> Violations, IReadOnlyList<string> Explained);

/// <summary>The promises checked from the outside after a run: LinkedIn's record, the store and the subscriber's log.</summary>
internal static partial class Invariants
{
    public static IReadOnlyList<Verdict> Check(Evidence e) =>
    [
        RefreshTokenExchangedTwice(e),
        PostCreatedTwice(e),
        PostWithoutOneOutcome(e),
        SecretInOutput(e),
        ErrorQueueMessageWithoutReason(e),
        ConnectionEventLost(e),
        RefreshableConnectionExpired(e),
        StoredRefreshTokenNotCurrent(e),
        ReauthRequiredUnjustified(e),
    ];

    /// <summary>
    /// Two exchanges of one refresh token (same grant, same presented fingerprint, both processed by LinkedIn) closer
    /// together than the shortest refresh period the settings allow. Explained when an answer was lost, the first call's or
    /// a call LinkedIn finished after the first began: a dropped or 504 answer, an answer slower than the request timeout,
    /// or a kill of the slot that made it between its start and the time it needed to store the answer.
    /// </summary>
    private static Verdict RefreshTokenExchangedTwice(Evidence e)
    {
        var o = e.Options;
        var shortestPeriod = o.AccessTokenLifetime - o.RefreshLead - o.RefreshJitter - TimeSpan.FromSeconds(5);
        var violations = new List<string>();
        var explained = new List<string>();
        var exchanges = e.Calls
            .Where(c => c.Endpoint == "accessToken" && c.GrantType == "refresh_token" && c.IssuedTokenFingerprint is not null)
            .GroupBy(c => (c.GrantId, c.TokenFingerprint));
        foreach (var group in exchanges)
        {
            var ordered = group.OrderBy(c => c.Time).ToArray();
            for (var i = 1; i < ordered.Length; i++)
            {
                var (first, second) = (ordered[i - 1], ordered[i]);
                if (second.Time - first.Time >= shortestPeriod)
                {
                    continue;
                }

                var what = $"grant {first.GrantId} refresh token {first.TokenFingerprint}: #{first.Sequence} at {first.Time:HH:mm:ss.fff} " +
                           $"(slot {Slot(e, first)}{(first.Fault is null ? "" : $", fault {first.Fault}")}) and #{second.Sequence} at {second.Time:HH:mm:ss.fff} (slot {Slot(e, second)})";
                // A lost answer explains the pair when it is the first call's, or a call processed after the first began
                // (LinkedIn's late answer revoked the first call's access token, and the 401 that followed was cured).
                var lost = ordered.Take(i).Where(c => c == first || c.AnsweredAt >= first.Time)
                    .Select(c => (Call: c, Why: AnswerLost(e, c))).FirstOrDefault(x => x.Why is not null);
                if (lost.Why is { } why)
                {
                    explained.Add($"{what}: {(lost.Call == first ? "" : $"#{lost.Call.Sequence}: ")}{why}");
                }
                else
                {
                    violations.Add(what);
                }
            }
        }

        return new("refresh_token_exchanged_twice", "a refresh token exchanged twice in one due period, unexplained by a lost answer or a kill",
            violations, explained);
    }

    private static string? AnswerLost(Evidence e, SandboxCall call)
    {
        if (call.Fault is "drop" or "504-after")
        {
            return $"the first answer was lost ({call.Fault})";
        }

        if (call.AnsweredAt - call.Time >= e.Options.RequestTimeout)
        {
            return "the first answer came after the request timeout";
        }

        var slot = call.Host is not null && e.SlotByHost.TryGetValue(call.Host, out var s) ? s : -1;
        var storeBy = call.AnsweredAt + e.Options.RequestTimeout;
        return e.Kills.FirstOrDefault(k => k.Slot == slot && k.At >= call.Time - TimeSpan.FromSeconds(1) && k.At <= storeBy) is { } kill
            ? $"slot {slot} (pid {kill.ProcessId}) was killed at {kill.At:HH:mm:ss.fff} with the call in flight or its answer unstored"
            : null;
    }

    private static string Slot(Evidence e, SandboxCall call) =>
        call.Host is not null && e.SlotByHost.TryGetValue(call.Host, out var slot) ? slot.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?";

    private static Verdict PostCreatedTwice(Evidence e)
    {
        var violations = e.CreatedPosts
            .Select(p => (Post: p, Id: PostIdIn().Match(p.Text)))
            .Where(p => p.Id.Success)
            .GroupBy(p => p.Id.Groups[1].Value)
            .Where(g => g.Count() > 1)
            .Select(g => $"{g.Key}: {string.Join(", ", g.Select(p => $"{p.Post.Urn} at {p.Post.CreatedAt:HH:mm:ss.fff}"))}")
            .ToList();
        return new("post_created_twice", "a post created twice on LinkedIn for one PostId", violations, []);
    }

    /// <summary>The post text carries its PostId, so LinkedIn's record can be mapped back to the command.</summary>
    public static string TextFor(string postId, int n) => $"Chaos post [{postId}] number {n}: tokens stay fresh under faults.";

    [GeneratedRegex(@"\[(p-[^\]]+)\]")]
    private static partial Regex PostIdIn();

    /// <summary>
    /// Every PostId the broker accepted has exactly one terminal outcome at the subscriber (redeliveries of one EventId
    /// count once). Posts the ledger holds for a reason the run cannot end (a revoked member, LinkedIn's throttle until
    /// midnight UTC) and PostOutcomeUnknown are reported apart, as are commands the broker never confirmed and never saw.
    /// </summary>
    private static Verdict PostWithoutOneOutcome(Evidence e)
    {
        var violations = new List<string>();
        var explained = new List<string>();
        var byPost = e.PostEvents.DistinctBy(p => p.EventId).ToLookup(p => p.PostId);
        foreach (var post in e.Posts)
        {
            var events = byPost[post.PostId].ToArray();
            var terminal = events.Where(p => p is PostPublished or PostFailed).ToArray();
            var unknown = events.OfType<PostOutcomeUnknown>().ToArray();
            var entry = e.Ledger.GetValueOrDefault(post.PostId);
            var kinds = string.Join("+", events.Select(p => p.GetType().Name));
            if (terminal.Length + unknown.Length > 1)
            {
                violations.Add($"{post.PostId}: {terminal.Length + unknown.Length} outcomes ({kinds})");
            }
            else if (unknown.Length == 1)
            {
                explained.Add($"{post.PostId}: terminal-unknown (PostOutcomeUnknown), left for an operator");
            }
            else if (terminal.Length == 0)
            {
                var held = entry switch
                {
                    null when !post.Confirmed => "the broker never confirmed the command and no worker saw it",
                    { State: PostState.AwaitingReauth } => "held awaiting the member's reauthorization",
                    { LastError.Class: FailureClass.RateLimited, IsFinished: false } => "held by LinkedIn's throttle until midnight UTC",
                    _ => null,
                };
                if (held is null)
                {
                    violations.Add($"{post.PostId}: no outcome (ledger: {entry?.State.ToString() ?? "absent"}, {post.Sends} send(s))");
                }
                else
                {
                    explained.Add($"{post.PostId}: {held}");
                }
            }
        }

        return new("post_without_one_outcome", "a PostId without exactly one terminal outcome at the subscriber", violations, explained);
    }

    private static Verdict SecretInOutput(Evidence e)
    {
        var violations = (from output in e.Outputs
                          from secret in e.Secrets
                          where secret.Value.Length >= 8 && output.Output.Contains(secret.Value, StringComparison.Ordinal)
                          select $"{secret.Kind} in the output of {output.Name}").Distinct().ToList();
        return new("secret_in_output", "a token, the client secret or a key in any process's output", violations, []);
    }

    private static Verdict ErrorQueueMessageWithoutReason(Evidence e) =>
        new("error_queue_message_without_reason", "a message in an _error queue without a fault reason",
            [.. e.ErrorMessages.Where(m => string.IsNullOrWhiteSpace(m.Reason)).Select(m => $"{m.Queue}: no MT-Fault-Message header")],
            [.. e.ErrorMessages.Where(m => !string.IsNullOrWhiteSpace(m.Reason)).Select(m => $"{m.Queue}: {m.ExceptionType}: {m.Reason}")]);

    /// <summary>Each refresh and each refusal the store's attempt history records has its event at the subscriber, by version.</summary>
    private static Verdict ConnectionEventLost(Evidence e)
    {
        var received = e.ConnectionEvents.Select(c => (c.ConnectionId, c.Version, Kind: c.GetType().Name)).ToHashSet();
        var violations = new List<string>();
        foreach (var connection in e.Stored)
        {
            foreach (var attempt in connection.Attempts)
            {
                var kind = attempt.Outcome switch
                {
                    AttemptOutcome.Refreshed => nameof(TokenRefreshed),
                    AttemptOutcome.Reauth => nameof(ReauthRequired),
                    _ => null,
                };
                if (kind is not null && !received.Contains((connection.ConnectionId, attempt.Version, kind)))
                {
                    violations.Add($"{connection.ConnectionId} v{attempt.Version}: {kind} ({attempt.Trigger} at {attempt.At:HH:mm:ss}) never reached the subscriber");
                }
            }
        }

        var authorized = e.ConnectionEvents.OfType<ConnectionAuthorized>().Where(a => a.Reconnected).Select(a => a.ConnectionId).ToHashSet();
        violations.AddRange(e.Reconnections.Where(r => !authorized.Contains(r.ConnectionId))
            .Select(r => $"{r.ConnectionId}: reconnected at {r.At:HH:mm:ss}, but no ConnectionAuthorized (reconnected) reached the subscriber"));
        return new("connection_event_lost", "a refresh, refusal or reconnect written to the store whose event the subscriber never received", violations, []);
    }

    private static Verdict RefreshableConnectionExpired(Evidence e)
    {
        var grants = GrantsByConnection(e);
        var violations = e.Stored
            .Where(c => c.Status == ConnectionStatus.Active && RefreshSchedule.CanExtend(c, e.EndedAt) && c.AccessTokenExpiresAt < e.EndedAt)
            .Where(c => grants.GetValueOrDefault(c.ConnectionId) is { IsRevoked: false })
            .Where(c => c.LastFailure?.Class != FailureClass.RateLimited)
            .Select(c => $"{c.ConnectionId}: access token expired at {c.AccessTokenExpiresAt:HH:mm:ss}, refresh token good until {c.RefreshTokenExpiresAt:HH:mm:ss}")
            .ToList();
        return new("refreshable_connection_expired", "an active, refreshable connection whose access token expired", violations, []);
    }

    private static Verdict StoredRefreshTokenNotCurrent(Evidence e)
    {
        var grants = GrantsByConnection(e);
        var violations = e.Stored
            .Where(c => c.Status == ConnectionStatus.Active)
            .Select(c => (Connection: c, Grant: grants.GetValueOrDefault(c.ConnectionId)))
            .Where(x => x.Grant is { IsRevoked: false } g && g.RefreshTokenExpiresAt > e.EndedAt
                        && x.Connection.RefreshToken?.Fingerprint != g.RefreshTokenFingerprint)
            .Select(x => $"{x.Connection.ConnectionId}: stores {x.Connection.RefreshToken?.Fingerprint ?? "none"}, LinkedIn's current is {x.Grant!.RefreshTokenFingerprint}")
            .ToList();
        return new("stored_refresh_token_not_current", "an active connection whose stored refresh token is not LinkedIn's current one", violations, []);
    }

    /// <summary>
    /// A ReauthRequired for a grant LinkedIn still honours. Explained when the refresh token the worker was refused with had
    /// been rotated away by an earlier refresh whose answer was lost: LinkedIn holds a newer refresh token nobody received,
    /// and no client can recover it (the sandbox rotates on request; LinkedIn's documentation shows the same value returned).
    /// </summary>
    private static Verdict ReauthRequiredUnjustified(Evidence e)
    {
        var grants = e.Grants.ToDictionary(g => g.GrantId);
        var tolerance = TimeSpan.FromSeconds(5);
        var violations = new List<string>();
        var explained = new List<string>();
        foreach (var r in e.ConnectionEvents.OfType<ReauthRequired>())
        {
            var grantId = GrantIdAt(e, r.ConnectionId, r.OccurredAt);
            var grant = grantId is null ? null : grants.GetValueOrDefault(grantId);
            if (grant is not null && (grant.IsRevoked || r.OccurredAt + tolerance >= grant.RefreshTokenExpiresAt))
            {
                continue;
            }

            var what = $"{r.ConnectionId} v{r.Version} at {r.OccurredAt:HH:mm:ss}: {r.Reason}, yet the grant is live at LinkedIn";
            var refusals = e.Calls.Where(c => c.Endpoint == "accessToken" && c.GrantType == "refresh_token" && c.GrantId == grantId && c.Status == 400 && c.Time <= r.OccurredAt);
            var rotatedAway = refusals
                .Where(refused => grant?.RefreshTokenFingerprint != refused.TokenFingerprint)
                .SelectMany(refused => e.Calls.Where(c => c.Endpoint == "accessToken" && c.GrantId == grantId && c.Status == 200 && c.Time < refused.Time
                                                         && c.TokenFingerprint == refused.TokenFingerprint)
                    .Select(c => (Call: c, Why: AnswerLost(e, c))))
                .FirstOrDefault(x => x.Why is not null);
            if (rotatedAway.Why is { } why)
            {
                explained.Add($"{what}: its refresh token was rotated by #{rotatedAway.Call.Sequence}, whose answer was lost ({why})");
            }
            else
            {
                violations.Add(what);
            }
        }

        return new("reauth_required_unjustified", "a ReauthRequired not justified by a revoked or ended grant, or a rotated refresh token lost with an answer",
            violations, explained);
    }

    /// <summary>The grant behind each connection at the end: the last reconnect's, or the one it was seeded with.</summary>
    private static Dictionary<string, SandboxGrantView> GrantsByConnection(Evidence e)
    {
        var grants = e.Grants.ToDictionary(g => g.GrantId);
        return e.Connections
            .Select(c => (c.ConnectionId, GrantId: GrantIdAt(e, c.ConnectionId, DateTimeOffset.MaxValue)))
            .Where(c => c.GrantId is not null && grants.ContainsKey(c.GrantId))
            .ToDictionary(c => c.ConnectionId, c => grants[c.GrantId!]);
    }

    /// <summary>
    /// The grant behind a connection at <paramref name="at"/>. A reconnect is recorded once its callback answered, a moment
    /// after the worker stored the new grant; nothing the new grant causes can fall in that moment (a member reconnects
    /// only after the ReauthRequired of the old one reached the subscriber).
    /// </summary>
    private static string? GrantIdAt(Evidence e, string connectionId, DateTimeOffset at) =>
        e.Reconnections.Where(r => r.ConnectionId == connectionId && r.At <= at).OrderBy(r => r.At).LastOrDefault()?.GrantId
        ?? e.Connections.FirstOrDefault(c => c.ConnectionId == connectionId)?.GrantId;
}
