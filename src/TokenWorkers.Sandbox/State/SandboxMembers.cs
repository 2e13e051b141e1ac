namespace TokenWorkers.Sandbox.State;

/// <summary>
/// A member from whatever the caller knows, completed the way LinkedIn would have it: settings, the control API and
/// the in-process control all create members, and all of them must agree on the defaults.
/// </summary>
internal static class SandboxMembers
{
    /// <summary>A missing sub is generated (10 URL-safe characters, as LinkedIn's are); given and family names default to the name's first word and the rest.</summary>
    public static SandboxMember New(
        string? sub, string? name, string? email, string? givenName = null, string? familyName = null, string country = "US", string language = "en")
    {
        sub = string.IsNullOrEmpty(sub) ? NewSub() : sub;
        name = string.IsNullOrWhiteSpace(name) ? "Member " + sub : name.Trim();
        var space = name.IndexOf(' ', StringComparison.Ordinal);
        return new SandboxMember(
            sub,
            name,
            givenName ?? (space < 0 ? name : name[..space]),
            familyName ?? (space < 0 ? "" : name[(space + 1)..]),
            email,
            country,
            language);
    }

    private static string NewSub()
    {
        const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        return string.Create(10, 0, static (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = Alphabet[System.Security.Cryptography.RandomNumberGenerator.GetInt32(Alphabet.Length)];
            }
        });
    }
}
