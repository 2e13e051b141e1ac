using TokenWorkers.Connections;
using TokenWorkers.Import;
using TokenWorkers.Runtime;

namespace TokenWorkers.Hosting;

/// <summary>
/// <c>TokenWorkers import FILE [--overwrite]</c>: the admin import over a file on disk, through the same importer. Prints
/// every line not imported (with its reason) and the summary to standard output, a progress line every
/// <see cref="ProgressEvery"/> lines to standard error; exits 0 when no line was rejected, 1 otherwise, 2 for a wrong
/// call. It runs without a bus: each imported connection's ConnectionAuthorized waits in the store's outbox until a running
/// worker's outbox sweep publishes it (within a minute).
/// </summary>
public static class ImportCommand
{
    public const string Overwrite = "--overwrite";
    public const int ProgressEvery = 1_000;

    public static async Task<int> RunAsync(IServiceProvider services, IReadOnlyList<string> args, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(args);
        var overwrite = args.Contains(Overwrite, StringComparer.Ordinal);
        var files = args.Where(a => a != Overwrite).ToList();
        if (files.Count != 1 || files[0].StartsWith("--", StringComparison.Ordinal))
        {
            await Console.Error.WriteLineAsync($"Usage: TokenWorkers import FILE [{Overwrite}]   (FILE: NDJSON, one connection per line; see README)");
            return 2;
        }

        var path = files[0];
        if (!File.Exists(path))
        {
            await Console.Error.WriteLineAsync($"No such file: {path}");
            return 2;
        }

        await using var file = File.OpenRead(path);
        var lines = new ImportLines(file);
        var done = 0;
        var counts = await services.GetRequiredService<ConnectionImporter>().RunAsync(lines.ReadAsync(cancellationToken), overwrite, async result =>
        {
            if (result.Result is ImportResult.Skipped or ImportResult.Rejected)
            {
                await Console.Out.WriteLineAsync($"line {result.Line}  {result.ConnectionId ?? "-"}  {Name(result.Result)}  {result.Reason}");
            }

            if (++done % ProgressEvery == 0)
            {
                await Console.Error.WriteLineAsync($"Import: {done} lines done");
            }
        }, cancellationToken, publish: false);

        await Console.Out.WriteLineAsync($"Import of {Path.GetFileName(path)}{(overwrite ? " (overwrite)" : "")}: {counts}.");
        if (counts.Imported > 0)
        {
            await Console.Out.WriteLineAsync("Their ConnectionAuthorized events wait in the store's outbox: a running worker publishes them within a minute.");
        }

        await services.GetRequiredService<Auditor>().RecordAsync(
            $"command:{Environment.UserName}", "import " + Path.GetFileName(path), null, counts.Rejected == 0 ? 200 : 422,
            (overwrite ? "overwrite; " : "") + counts);
        return counts.Rejected == 0 ? 0 : 1;
    }

    private static string Name(ImportResult result) => result.ToString().ToLowerInvariant();
}
