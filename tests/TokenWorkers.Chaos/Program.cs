using System.Diagnostics;
using TokenWorkers.Chaos;
using TokenWorkers.Chaos.Roles;
using TokenWorkers.Tests.RabbitMq;
using TokenWorkers.Tests.TestSupport;

// `make chaos` / `make chaos-quick`: the guarantees checked from the outside, across processes, under seeded faults.
// The same binary plays the estate's other services, each in a process of its own.
switch (args.FirstOrDefault())
{
    case "subscriber":
        return await SubscriberRole.RunAsync();
    case "sender":
        return await SenderRole.RunAsync();
}

ChaosOptions options;
try
{
    options = ChaosOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    await Console.Error.WriteLineAsync(ex.Message);
    return 2;
}

if (!RabbitMqBroker.CanStartNode)
{
    await Console.Error.WriteLineAsync(RabbitMqBroker.NoBrokerReason);
    return 2;
}

Console.WriteLine($"chaos seed {options.Seed} ({(options.Quick ? "quick" : "full")}, {options.Duration.TotalSeconds:0} s, {options.Instances} workers)");
var artifacts = Path.Combine(RepositoryRoot.Path, "artifacts", "chaos");
var work = Path.Combine(artifacts, "run");
if (Directory.Exists(work))
{
    Directory.Delete(work, recursive: true);
}

Directory.CreateDirectory(Path.Combine(work, "logs"));
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var wall = Stopwatch.StartNew();
using var run = new ChaosRun(options, work);
var evidence = await run.RunAsync(cancel.Token);
foreach (var (name, output) in evidence.Outputs)
{
    await File.WriteAllTextAsync(Path.Combine(work, "logs", $"{name}.log"), output);
}

var verdicts = Invariants.Check(evidence);
ChaosReport.Write(artifacts, options, wall.Elapsed, evidence, run, verdicts);
foreach (var (name, value) in ChaosReport.Counts(evidence, run))
{
    Console.WriteLine($"  {name,-24} {value}");
}

foreach (var verdict in verdicts)
{
    Console.WriteLine($"  {verdict.Name,-36} {verdict.Violations.Count} violation(s), {verdict.Explained.Count} explained");
    foreach (var example in verdict.Violations.Take(5))
    {
        Console.WriteLine($"      {example}");
    }
}

var violations = verdicts.Sum(v => v.Violations.Count);
Console.WriteLine($"chaos seed {options.Seed}: {violations} violation(s) in {wall.Elapsed.TotalSeconds:0} s; artifacts/chaos/report.md");
return violations == 0 ? 0 : 1;
