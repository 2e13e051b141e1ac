using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Outbox;

namespace TokenWorkers.Refresh;

/// <summary>
/// Stores what LinkedIn answered to a refresh. Once LinkedIn has answered, the answer is the only copy of tokens it may
/// already have rotated (the refresh token we sent is then dead), so this write ignores the caller's cancellation (a
/// consumer stopping for a deploy, an admin request whose client hung up), retries a failing store a bounded number of
/// times, and when the answer still cannot be stored says so critically, naming the connection and the tokens'
/// fingerprints, never the tokens.
/// </summary>
public sealed partial class AnswerWriter(AggregateWriter<Connection> writer, TimeProvider time, ILogger<AnswerWriter> logger)
{
    /// <summary>The budget of each attempt; the first one is covered by the lease (see <see cref="LeaseRules"/>).</summary>
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan[] Pauses = [TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(1)];

    /// <summary>Applies <paramref name="decide"/> through the one writer until it is stored, or gives up loudly.</summary>
    public async Task<Written<Connection>> WriteAsync(
        Connection leased, Func<Connection, DateTimeOffset, Change<Connection>?> decide, AnswerFingerprints fingerprints)
    {
        ArgumentNullException.ThrowIfNull(leased);
        ArgumentNullException.ThrowIfNull(fingerprints);
        for (var attempt = 0; ; attempt++)
        {
            using var budget = new CancellationTokenSource(AttemptTimeout, time);
            try
            {
                // The first attempt continues from the leased document; a retry reads again, since a failed write may
                // have landed before its acknowledgement was lost.
                return await writer.UpdateAsync(leased.ConnectionId, decide, budget.Token, attempt == 0 ? leased : null);
            }
            catch (Exception ex) when (ex is not ConcurrencyException && attempt < Pauses.Length)
            {
                LogRetrying(logger, leased.ConnectionId, attempt + 1, ex.GetType().Name);
                // A real-time pause: the store recovers in real time, whatever clock the worker reads.
                await Task.Delay(Pauses[attempt], CancellationToken.None);
            }
            catch (Exception ex)
            {
                LogAnswerLost(logger, ex, leased.ConnectionId, fingerprints.Used, fingerprints.NewAccess, fingerprints.NewRefresh, attempt + 1);
                throw;
            }
        }
    }

    [LoggerMessage(EventId = 110, Level = LogLevel.Warning,
        Message = "Storing LinkedIn's answer for {ConnectionId} failed (attempt {Attempt}: {Error}); trying again")]
    private static partial void LogRetrying(ILogger logger, string connectionId, int attempt, string error);

    [LoggerMessage(EventId = 111, Level = LogLevel.Critical,
        Message = "LinkedIn answered a refresh of {ConnectionId} but the answer could not be stored after {Attempts} attempts. " +
                  "Refresh token used {UsedRefreshToken}; LinkedIn issued access token {NewAccessToken} and refresh token {NewRefreshToken} " +
                  "(fingerprints). If the refresh token was rotated, the stored one is dead and the member must reconnect")]
    private static partial void LogAnswerLost(
        ILogger logger, Exception exception, string connectionId, string usedRefreshToken, string newAccessToken, string newRefreshToken, int attempts);
}

/// <summary>Fingerprints of the tokens in play when LinkedIn answered (never the tokens): what an operator correlates.</summary>
public sealed record AnswerFingerprints(string Used, string NewAccess, string NewRefresh)
{
    public static AnswerFingerprints Of(SecretToken used, SecretToken? newAccess = null, SecretToken? newRefresh = null)
    {
        ArgumentNullException.ThrowIfNull(used);
        return new(used.Fingerprint, newAccess?.Fingerprint ?? "none", newRefresh?.Fingerprint ?? "none");
    }
}
