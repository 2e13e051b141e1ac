using TokenWorkers.Hosting;

namespace TokenWorkers.Tests.Architecture;

/// <summary>
/// The worker's folders form layers: core (aggregates, their rules, ports) ← shared plumbing ← capabilities ← hosting,
/// with adapters behind the ports. Read from the built assembly, so a new dependency is judged as soon as it compiles.
/// </summary>
public sealed class LayeringTests
{
    /// <summary>Aggregates, their transitions and events, and the ports adapters implement.</summary>
    private static readonly string[] Core = ["Connections", "Posts", "Events", "Ports"];

    /// <summary>Plumbing the capabilities share: the one writer, messaging policy, options, telemetry.</summary>
    private static readonly string[] Shared = ["Outbox", "Messaging", "Runtime", "Telemetry"];

    private static readonly string[] Capabilities = ["Refresh", "Publishing", "Connect", "Import", "Proxy", "Admin"];

    /// <summary>Behind the ports: the stores and LinkedIn's HTTP clients.</summary>
    private static readonly string[] Adapters = ["Storage", "LinkedIn"];

    private static readonly DependencyGraph Graph = DependencyGraph.Of(typeof(WorkerRegistration).Assembly);

    [Fact]
    public void Every_folder_of_the_worker_has_a_layer()
    {
        var folders = typeof(WorkerRegistration).Assembly.GetTypes().Select(t => DependencyGraph.FolderOf(t)).OfType<string>().Distinct();
        Assert.Empty(folders.Except([.. Core, .. Shared, .. Capabilities, .. Adapters, "Hosting"]));
    }

    [Fact]
    public void No_folder_depends_on_another_in_a_cycle()
    {
        Assert.Empty(Graph.Cycles());
    }

    [Fact]
    public void The_core_references_only_itself_the_contracts_and_the_base_library()
    {
        var violations = Graph.Edges
            .Where(e => Core.Contains(DependencyGraph.FolderOf(e.From)))
            .Where(e => DependencyGraph.FolderOf(e.To) is { } folder ? !Core.Contains(folder) : !IsContractOrBaseLibrary(e.To))
            .Select(Describe);
        Assert.Empty(violations);
    }

    [Fact]
    public void Capabilities_and_shared_plumbing_reach_adapters_only_through_ports()
    {
        var violations = Graph.Edges
            .Where(e => Capabilities.Contains(DependencyGraph.FolderOf(e.From)) || Shared.Contains(DependencyGraph.FolderOf(e.From)))
            .Where(e => Adapters.Contains(DependencyGraph.FolderOf(e.To)))
            .Select(Describe);
        Assert.Empty(violations);
    }

    [Fact]
    public void Lower_layers_never_use_higher_ones()
    {
        var rank = new Dictionary<string, int>();
        foreach (var (folders, level) in new[] { (Core, 0), (Shared, 1), (Adapters, 1), (Capabilities, 2), (["Hosting"], 3) })
        {
            foreach (var folder in folders)
            {
                rank[folder] = level;
            }
        }

        var violations = Graph.Edges
            .Where(e => DependencyGraph.FolderOf(e.From) is { } a && DependencyGraph.FolderOf(e.To) is { } b && rank[a] < rank[b])
            .Select(Describe);
        Assert.Empty(violations);
    }

    private static bool IsContractOrBaseLibrary(Type type) =>
        type.Namespace is { } ns &&
        (ns.StartsWith("TokenWorkers.Contracts", StringComparison.Ordinal) || ns == "System" || ns.StartsWith("System.", StringComparison.Ordinal));

    private static string Describe((Type From, Type To) edge) => $"{edge.From.FullName} uses {edge.To.FullName}";
}
