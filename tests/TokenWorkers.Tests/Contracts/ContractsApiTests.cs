using PublicApiGenerator;
using TokenWorkers.Contracts;
using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.Contracts;

/// <summary>
/// The contracts' public API against the snapshot approved for the package's current version: any difference fails,
/// breaking ones and additions alike, so that every change to what other services compile against is reviewed.
/// </summary>
public class ContractsApiTests
{
    internal const string ApprovedFileName = "TokenWorkers.Contracts.approved.txt";
    internal const string AcceptVariable = "TOKENWORKERS_ACCEPT_CONTRACTS_API";

    [Fact]
    public void The_public_API_of_the_contracts_is_the_approved_one()
    {
        var current = Generate();
        var approved = File.Exists(ApprovedPath) ? File.ReadAllText(ApprovedPath) : null;
        var diff = PublicApiDiff.Between(approved ?? "", current);
        if (diff.IsEmpty)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable(AcceptVariable) == "1")
        {
            Assert.False(IsCi(), $"{AcceptVariable}=1 is refused in CI: accept an API change on a developer machine and commit the snapshot.");
            File.WriteAllText(ApprovedPath, current.EndsWith('\n') ? current : current + "\n");
            return;
        }

        var shownPath = Path.GetRelativePath(RepositoryRoot.Path, ApprovedPath);
        Assert.Fail(approved is null
            ? $"The approved snapshot of the contracts' public API is missing: {shownPath}. Restore it from git, or create it with `make accept-api`."
            : FailureMessage(diff, shownPath));
    }

    internal static string Generate() =>
        typeof(PublishPost).Assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false });

    internal static string FailureMessage(PublicApiDiff diff, string approvedPath) =>
        $"""
        The public API of TokenWorkers.Contracts differs from the approved snapshot ({approvedPath}).

        {diff.Describe()}
        {(diff.IsBreaking
            ? "A breaking change needs a new message type (or a new major version of the package, agreed with every sender and subscriber), never an edit of a published one."
            : "Additions are compatible when they are optional (not `required`) and subscribers tolerate their absence.")}
        If the change is intended: raise <Version> in src/TokenWorkers.Contracts/TokenWorkers.Contracts.csproj as docs/contracts-versioning.md says,
        then accept it with `make accept-api` (or {AcceptVariable}=1 on this test) and commit the rewritten snapshot. CI never accepts.
        """;

    /// <summary>In the source tree, beside this file: the test reads it there and an accepted change is written there.</summary>
    private static string ApprovedPath { get; } =
        Path.Combine(RepositoryRoot.Path, "tests", "TokenWorkers.Tests", "Contracts", ApprovedFileName);

    private static bool IsCi() =>
        Environment.GetEnvironmentVariable("CI") is { Length: > 0 } ci && !string.Equals(ci, "false", StringComparison.OrdinalIgnoreCase);
}
