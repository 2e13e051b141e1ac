namespace TokenWorkers.Tests.Architecture;

/// <summary>The layering checks can fail: they find a cycle and the uses they are made of.</summary>
public sealed class DependencyGraphTests
{
    private const string Root = "TokenWorkers.Tests.Architecture.Fixture";

    [Fact]
    public void A_cycle_between_folders_is_found_with_the_uses_that_close_it()
    {
        var graph = DependencyGraph.Of(typeof(DependencyGraphTests).Assembly, Root);

        var cycle = Assert.Single(graph.Cycles());
        Assert.Contains("Alpha → Beta (UsesBeta uses UsedByAlpha)", cycle, StringComparison.Ordinal);
        Assert.Contains("Beta → Alpha (UsesAlpha uses UsedByBeta)", cycle, StringComparison.Ordinal);
        Assert.DoesNotContain("Gamma", cycle, StringComparison.Ordinal);
    }

    [Fact]
    public void The_worker_graph_sees_the_uses_it_judges()
    {
        var edges = DependencyGraph.Of(typeof(TokenWorkers.Hosting.WorkerRegistration).Assembly).FolderEdges();

        Assert.Contains("Connections", edges["Refresh"]);
        Assert.Contains("Outbox", edges["Refresh"]);
        Assert.Contains("Refresh", edges["Publishing"]);
        Assert.Contains("Ports", edges["LinkedIn"]);
        Assert.Contains("Refresh", edges["Hosting"]);
    }
}
