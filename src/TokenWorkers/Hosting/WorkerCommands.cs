using TokenWorkers.Admin;
using TokenWorkers.Connections;

namespace TokenWorkers.Hosting;

/// <summary>
/// One-off commands of the worker binary (<c>TokenWorkers reencrypt</c>, <c>TokenWorkers import FILE</c>): run on the built
/// host with its configuration and validation, but without starting it, so no bus, scheduler or HTTP endpoint runs beside them.
/// </summary>
public static class WorkerCommands
{
    /// <summary>Rewrites every connection under the active key (the re-encryption sweep), prints what it did, exits 0, or 1 when rows could not be read.</summary>
    public const string Reencrypt = "reencrypt";

    /// <summary>Imports the connections of an NDJSON file (<see cref="ImportCommand"/>).</summary>
    public const string Import = "import";

    /// <summary>The exit code of the command <paramref name="args"/> names; null when they name none and the worker should run.</summary>
    public static async Task<int?> RunAsync(WebApplication app, IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(app);
        ArgumentNullException.ThrowIfNull(args);
        var command = args.Count == 0 ? null : args[0].ToLowerInvariant();
        if (command is not (Reencrypt or Import))
        {
            return null;
        }

        using var cancel = new CancellationTokenSource();
        ConsoleCancelEventHandler onCancel = (_, e) =>
        {
            // Stop between writes: every write is a complete conditional write, so stopping early leaves nothing half-done.
            e.Cancel = true;
            cancel.Cancel();
        };
        Console.CancelKeyPress += onCancel;
        try
        {
            await app.Services.GetRequiredService<IConnectionStore>().InitializeAsync(cancel.Token);
            await using var scope = app.Services.CreateAsyncScope();
            if (command == Import)
            {
                return await ImportCommand.RunAsync(scope.ServiceProvider, args.Skip(1).ToList(), cancel.Token);
            }

            var report = await scope.ServiceProvider.GetRequiredService<ConnectionReencryptor>().RunAsync(cancel.Token);
            await WriteAsync(report);
            return report.Unreadable.Count == 0 ? 0 : 1;
        }
        finally
        {
            Console.CancelKeyPress -= onCancel;
        }
    }

    private static async Task WriteAsync(ReencryptionReport report)
    {
        var output = Console.Out;
        await output.WriteLineAsync(
            $"Re-encryption under key {report.After.ActiveKeyId}: {report.Examined} examined, {report.Reencrypted} re-encrypted, " +
            $"{report.Unreadable.Count} unreadable.");
        await output.WriteLineAsync("Connections by key id: " + (report.After.ConnectionsByKeyId.Count == 0
            ? "none"
            : string.Join(", ", report.After.ConnectionsByKeyId.OrderBy(k => k.Key, StringComparer.Ordinal).Select(k => $"{k.Key}: {k.Value}"))));
        if (report.Unreadable.Count > 0)
        {
            await output.WriteLineAsync("Not re-encrypted, because they cannot be read (see docs/key-rotation.md):");
            foreach (var row in report.Unreadable)
            {
                await output.WriteLineAsync($"  {row.Id}  {row.Reason}  {row.Message}");
            }
        }
    }
}
