using System.Reflection;
using TokenWorkers.Demo;
using TokenWorkers.Hosting;

namespace TokenWorkers.Tests.Hosting;

public sealed class WorkerAssemblyTests
{
    private static readonly Assembly Worker = typeof(WorkerRegistration).Assembly;

    [Fact]
    public void The_worker_assembly_ships_no_demo_type_and_no_demo_switch()
    {
        // Named from the demo's own type, so a renamed demo namespace cannot make this pass vacuously.
        var demoNamespace = typeof(DemoSubscriber).Namespace!;
        Assert.NotSame(Worker, typeof(DemoSubscriber).Assembly);

        var demoTypes = Worker.GetTypes()
            .Where(t => t.Namespace == demoNamespace || t.Namespace?.StartsWith(demoNamespace + ".", StringComparison.Ordinal) == true)
            .Select(t => t.FullName);
        var demoParameters = Worker.GetExportedTypes()
            .SelectMany(t => t.GetMethods(BindingFlags.Public | BindingFlags.Static | BindingFlags.Instance | BindingFlags.DeclaredOnly))
            .SelectMany(m => m.GetParameters().Select(p => (Method: m, Parameter: p)))
            .Where(x => x.Parameter.Name?.Contains("demo", StringComparison.OrdinalIgnoreCase) == true)
            .Select(x => $"{x.Method.DeclaringType!.Name}.{x.Method.Name}({x.Parameter.Name})");

        Assert.Empty(demoTypes);
        Assert.Empty(demoParameters);
    }
}
