// Three folders for the dependency graph's own test: Alpha and Beta use each other (a cycle), Gamma only uses Alpha.
#pragma warning disable CA1812, CA1852 // instantiated by nobody: they exist to be read by reflection
namespace TokenWorkers.Tests.Architecture.Fixture.Alpha
{
    internal sealed class UsedByBeta;

    internal sealed class UsesBeta(Beta.UsedByAlpha used)
    {
        public Beta.UsedByAlpha Used { get; } = used;
    }
}

namespace TokenWorkers.Tests.Architecture.Fixture.Beta
{
    internal sealed class UsedByAlpha;

    internal sealed class UsesAlpha
    {
        public Alpha.UsedByBeta? Used { get; init; }
    }
}

namespace TokenWorkers.Tests.Architecture.Fixture.Gamma
{
    internal sealed class UsesAlphaOnly
    {
        public Alpha.UsesBeta? Used { get; init; }
    }
}
