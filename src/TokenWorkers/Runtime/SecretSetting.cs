namespace TokenWorkers.Runtime;

/// <summary>
/// A secret given either as a value (<c>X</c>, from the environment) or as a file that holds it (<c>XFile</c>, a mounted
/// secret such as compose's <c>/run/secrets/...</c>): exactly one of the two. Problems name the settings and the file,
/// never the secret.
/// </summary>
public static class SecretSetting
{
    /// <summary>
    /// The secret, or null with the reason added to <paramref name="problems"/>: both forms set, neither set while
    /// <paramref name="required"/>, a file that cannot be read or is empty. Whitespace around a file's content (the
    /// newline an editor or <c>echo</c> leaves) is not part of the secret.
    /// </summary>
    public static string? Resolve(string valueSetting, string? value, string fileSetting, string? file, ICollection<string> problems, bool required = true)
    {
        ArgumentNullException.ThrowIfNull(problems);
        var hasValue = !string.IsNullOrEmpty(value);
        var hasFile = !string.IsNullOrWhiteSpace(file);
        if (hasValue && hasFile)
        {
            problems.Add($"{valueSetting} and {fileSetting} are both set: set one, not both.");
            return null;
        }

        if (hasValue)
        {
            return value;
        }

        if (!hasFile)
        {
            if (required)
            {
                problems.Add($"{valueSetting} or {fileSetting} is required.");
            }

            return null;
        }

        string content;
        try
        {
            content = File.ReadAllText(file!).Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
        {
            problems.Add($"{fileSetting} '{file}' cannot be read: {ex.GetType().Name}.");
            return null;
        }

        if (content.Length == 0)
        {
            problems.Add($"{fileSetting} '{file}' is empty.");
            return null;
        }

        return content;
    }

    /// <summary>As <see cref="Resolve"/> for a secret the options validator has already accepted at start-up; a file that has gone since throws, naming the setting.</summary>
    public static string ResolveValidated(string valueSetting, string? value, string fileSetting, string? file)
    {
        var problems = new List<string>();
        return Resolve(valueSetting, value, fileSetting, file, problems)
            ?? throw new InvalidOperationException(string.Join(" ", problems));
    }
}
