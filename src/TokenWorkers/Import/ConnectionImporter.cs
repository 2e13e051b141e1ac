using System.Threading.Channels;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Outbox;
using TokenWorkers.Ports;
using TokenWorkers.Refresh;

namespace TokenWorkers.Import;

/// <summary>The outcome of one import line, as the response and the command report it; never a token.</summary>
public sealed record ImportLineResult(int Line, string? ConnectionId, ImportResult Result, string? Reason);

/// <summary>
/// Imports connections, one per line, from the admin endpoint or the worker's import command (the same code). Lines are
/// read one at a time and checked in order (a connection id seen on an earlier line is a duplicate); LinkedIn is asked
/// about several lines at once, at most <see cref="Parallelism"/>. A bad line is reported and the next one read.
/// Every write goes through the one writer, whose outbox carries each imported connection's ConnectionAuthorized.
/// </summary>
public sealed partial class ConnectionImporter(
    IConnectionStore store,
    AggregateWriter<Connection> writer,
    ImportLookup lookup,
    ILinkedInApps apps,
    RefreshSchedule schedule,
    IOptions<RefreshOptions> refresh,
    TimeProvider time,
    ILogger<ConnectionImporter> logger)
{
    /// <summary>Lines in LinkedIn's hands at once: enough to import 10,000 lines in tens of seconds, few enough to be polite.</summary>
    public const int Parallelism = 8;

    /// <summary>
    /// Imports every line of <paramref name="lines"/> and hands each line's result to <paramref name="report"/> (one call at a
    /// time, in the order lines finish). <paramref name="publish"/> false leaves the events in the outbox for a running
    /// worker's sweep (the command runs without a bus).
    /// </summary>
    public async Task<ImportCounts> RunAsync(
        IAsyncEnumerable<string> lines, bool overwrite, Func<ImportLineResult, ValueTask> report, CancellationToken cancellationToken,
        bool publish = true)
    {
        ArgumentNullException.ThrowIfNull(lines);
        ArgumentNullException.ThrowIfNull(report);
        var counts = new ImportCounts();
        using var gate = new SemaphoreSlim(1, 1);
        async ValueTask Report(ImportLineResult result)
        {
            await gate.WaitAsync(cancellationToken);
            try
            {
                counts.Add(result.Result);
                await report(result);
            }
            finally
            {
                gate.Release();
            }
        }

        var work = Channel.CreateBounded<(int Number, ImportLine Line)>(Parallelism * 4);
        var reading = ReadAsync(lines, work.Writer, Report, cancellationToken);
        await Parallel.ForEachAsync(
            work.Reader.ReadAllAsync(cancellationToken),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (item, token) => await Report(await ImportAsync(item.Number, item.Line, overwrite, publish, token)));
        await reading;
        LogImported(logger, counts.Lines, counts.Imported, counts.Unchanged, counts.Skipped, counts.Rejected);
        return counts;
    }

    private async Task ReadAsync(
        IAsyncEnumerable<string> lines, ChannelWriter<(int, ImportLine)> work, Func<ImportLineResult, ValueTask> report,
        CancellationToken cancellationToken)
    {
        try
        {
            var seen = new Dictionary<string, int>(StringComparer.Ordinal);
            var number = 0;
            await foreach (var text in lines.WithCancellation(cancellationToken))
            {
                number++;
                if (string.IsNullOrWhiteSpace(text))
                {
                    continue;
                }

                var (line, id, problem) = ImportLine.Parse(text);
                if (line is not null && !seen.TryAdd(line.ConnectionId, number))
                {
                    problem = $"{ImportReasons.Duplicate}: connection {line.ConnectionId} is on line {seen[line.ConnectionId]} already";
                }
                else if (line is not null && apps.Find(line.App) is null)
                {
                    problem = $"{ImportReasons.UnknownApp}: no LinkedIn app named '{line.App}' is configured (LinkedIn:Apps:{{name}}); " +
                              $"this worker has {string.Join(", ", apps.Names.Order(StringComparer.Ordinal))}";
                }

                if (problem is not null)
                {
                    await report(new ImportLineResult(number, id, ImportResult.Rejected, problem));
                    continue;
                }

                await work.WriteAsync((number, line!), cancellationToken);
            }
        }
        finally
        {
            work.Complete();
        }
    }

    private async Task<ImportLineResult> ImportAsync(int number, ImportLine line, bool overwrite, bool publish, CancellationToken cancellationToken)
    {
        var facts = new ImportFacts(line.ConnectionId, line.TenantId, line.AccessToken, line.RefreshToken, overwrite, line.App);
        try
        {
            var existing = await store.FindAsync(line.ConnectionId, cancellationToken);
            if (ConnectionTransitions.ImportPrecheck(existing, facts) is { } early)
            {
                return Result(number, line, early);
            }

            var learnt = await lookup.LearnAsync(line, cancellationToken);
            if (learnt.Problem is not null)
            {
                return Result(number, line, ImportVerdict.Reject(learnt.Problem));
            }

            var notBefore = time.GetUtcNow() + (refresh.Value.ImportSpread * Random.Shared.NextDouble());
            var verdict = ImportVerdict.Imported;
            await writer.UpsertAsync(
                line.ConnectionId,
                (current, now) => ConnectionTransitions.Import(current, facts, learnt.Grant!, learnt.MemberUrn!, now, notBefore, schedule, out verdict),
                cancellationToken,
                existing,
                publish);
            return Result(number, line, verdict);
        }
        catch (UnreadableRowException)
        {
            return Result(number, line, ImportVerdict.Reject(ImportReasons.Unreadable));
        }
        catch (ConcurrencyException)
        {
            return Result(number, line, ImportVerdict.Reject(ImportReasons.Busy));
        }
    }

    private static ImportLineResult Result(int number, ImportLine line, ImportVerdict verdict) =>
        new(number, line.ConnectionId, verdict.Result, verdict.Reason);

    [LoggerMessage(EventId = 1600, Level = LogLevel.Information,
        Message = "Import: {Lines} lines, {Imported} imported, {Unchanged} unchanged, {Skipped} skipped, {Rejected} rejected")]
    private static partial void LogImported(ILogger logger, int lines, int imported, int unchanged, int skipped, int rejected);
}

/// <summary>How many lines came to each result; <see cref="Stopped"/> says why reading ended before the last line.</summary>
public sealed class ImportCounts
{
    public int Imported { get; private set; }

    public int Unchanged { get; private set; }

    public int Skipped { get; private set; }

    public int Rejected { get; private set; }

    public int Lines => Imported + Unchanged + Skipped + Rejected;

    public string? Stopped { get; set; }

    public void Add(ImportResult result)
    {
        switch (result)
        {
            case ImportResult.Imported: Imported++; break;
            case ImportResult.Unchanged: Unchanged++; break;
            case ImportResult.Skipped: Skipped++; break;
            default: Rejected++; break;
        }
    }

    public override string ToString() =>
        $"{Lines} lines: {Imported} imported, {Unchanged} unchanged, {Skipped} skipped, {Rejected} rejected" + (Stopped is null ? "" : $"; stopped: {Stopped}");
}
