namespace TokenWorkers.Ports;

/// <summary>
/// A configured LinkedIn application as the core may see it: no secret. <see cref="Scopes"/> and <see cref="RedirectUri"/>
/// are null when the app leaves them to the connect flow's own settings.
/// </summary>
public sealed record LinkedInAppInfo(string Name, string ClientId, Uri? RedirectUri, string? Scopes, bool ProgrammaticRefresh);

/// <summary>The LinkedIn applications this worker acts for, by name; a connection belongs to one of them.</summary>
public interface ILinkedInApps
{
    /// <summary>The app of connections that name none, and the name today's single-app settings (<c>LinkedIn:ClientId</c>) configure.</summary>
    public const string Default = Connections.Connection.DefaultApp;

    IReadOnlyCollection<string> Names { get; }

    /// <summary>The app named <paramref name="name"/>, or null when no such app is configured.</summary>
    LinkedInAppInfo? Find(string name);
}
