using System.Text.RegularExpressions;

namespace TokenWorkers.Tests.Architecture;

/// <summary>
/// Time is read through <see cref="TimeProvider"/> everywhere, so a test can run a year of lifetimes on a fake clock and
/// every lease, claim and deadline moves with it. A direct read of the system clock in src is a defect.
/// </summary>
public sealed partial class ClockTests
{
    [Fact]
    public void No_source_file_reads_the_system_clock_directly()
    {
        var src = Path.Combine(RepositoryRoot(), "src");
        var reads = Directory.EnumerateFiles(src, "*.cs", SearchOption.AllDirectories)
            .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal) &&
                           !path.Contains($"{Path.DirectorySeparatorChar}bin{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .SelectMany(path => File.ReadLines(path).Select((line, i) => (path, line, number: i + 1)))
            .Where(l => SystemClock().IsMatch(l.line))
            .Select(l => $"{Path.GetRelativePath(src, l.path)}:{l.number}: {l.line.Trim()}");
        Assert.Empty(reads);
    }

    [Fact]
    public void The_clock_check_recognises_every_direct_read()
    {
        Assert.All(
            ["var now = DateTime.UtcNow;", "DateTimeOffset.Now", "var t = Stopwatch.GetTimestamp();", "Environment.TickCount64", "DateTime.Today"],
            line => Assert.Matches(SystemClock(), line));
        Assert.DoesNotMatch(SystemClock(), "var now = time.GetUtcNow();");
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "TokenWorkers.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("TokenWorkers.sln not found above the test binaries.");
    }

    [GeneratedRegex(@"\bDateTime(Offset)?\.(UtcNow|Now|Today)\b|\bStopwatch\.(GetTimestamp|StartNew)\b|\bEnvironment\.TickCount(64)?\b")]
    private static partial Regex SystemClock();
}
