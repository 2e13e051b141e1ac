namespace TokenWorkers.Tests.TestSupport;

internal static class RepositoryRoot
{
    /// <summary>The directory holding TokenWorkers.sln, found upwards from the test binaries.</summary>
    public static string Path { get; } = Find();

    private static string Find()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(System.IO.Path.Combine(directory.FullName, "TokenWorkers.sln")))
        {
            directory = directory.Parent;
        }

        return directory?.FullName ?? throw new InvalidOperationException($"TokenWorkers.sln not found above {AppContext.BaseDirectory}");
    }
}
