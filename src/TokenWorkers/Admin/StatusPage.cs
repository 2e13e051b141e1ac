using System.Globalization;
using System.Net;
using System.Text;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Refresh;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Admin;

/// <summary>
/// <c>GET /admin/status</c>: the fleet on one server-rendered page (no scripts, no front-end build). The fleet's next
/// deadlines at the top, then one row per connection with a bar of its access-token and refresh-token lifetimes on
/// a shared time axis, coloured by health. Read-only on purpose: a browser sends Basic credentials with any
/// form another site could post, so state changes stay in the API.
/// </summary>
public static class StatusPage
{
    /// <summary>The bars span from this long before now ...</summary>
    private static readonly TimeSpan AxisPast = TimeSpan.FromDays(30);

    /// <summary>... to just past a refresh token's whole life after now.</summary>
    private static readonly TimeSpan AxisFuture = TimeSpan.FromDays(370);

    private const string Styles = """
        <style>
        body{font-family:system-ui,sans-serif;margin:1.5rem;color:#1d2329}
        h1{font-size:1.4rem;margin:0 0 .25rem} .muted{color:#66707a;font-size:.85rem} td code{white-space:nowrap}
        .deadlines{display:flex;gap:1rem;flex-wrap:wrap;margin:1rem 0}
        .card{border:1px solid #d5dae0;border-radius:6px;padding:.6rem .9rem;min-width:12rem}
        .card b{display:block;font-size:1.15rem}
        table{border-collapse:collapse;width:100%;font-size:.85rem} th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #eceff2;vertical-align:middle}
        .bar{position:relative;height:22px;min-width:320px;background:#f4f6f8;border-radius:3px}
        .seg{position:absolute;border-radius:2px} .refresh{top:3px;height:6px;opacity:.45} .access{top:11px;height:8px}
        .now{position:absolute;top:0;bottom:0;width:2px;background:#1d2329}
        .Healthy .seg{background:#2e9d57} .ExpiringSoon .seg{background:#d99a00} .Failing .seg{background:#e0701a}
        .Dead .seg{background:#c9302c} .Disconnected .seg{background:#9aa3ab}
        .pill{display:inline-block;border-radius:9px;padding:0 .5rem;color:#fff;font-size:.75rem}
        .pill.Healthy{background:#2e9d57} .pill.ExpiringSoon{background:#d99a00} .pill.Failing{background:#e0701a}
        .pill.Dead{background:#c9302c} .pill.Disconnected{background:#9aa3ab}
        dl{display:grid;grid-template-columns:max-content auto;gap:.3rem 1.2rem;font-size:.9rem} dt{color:#66707a}
        .outcome.Refreshed,.outcome.Authorized{color:#2e9d57} .outcome.Reauth{color:#c9302c} .outcome.Disconnected{color:#66707a}
        .outcome.Transient,.outcome.RateLimited,.outcome.Configuration,.outcome.Permission,.outcome.Superseded{color:#e0701a}
        </style>
        """;

    public static async Task<IResult> RenderAsync(
        string? after,
        IConnectionStore store,
        FleetMonitor fleet,
        IReconnectLinks links,
        IOptions<AdminOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        var summary = await fleet.GetAsync(TimeSpan.FromSeconds(5), cancellationToken);
        var size = options.Value.PageSize;
        var page = await store.ListAsync(string.IsNullOrEmpty(after) ? null : after, size, cancellationToken);
        var now = time.GetUtcNow();
        var html = Render(summary, page, page.Count == size ? page[^1].ConnectionId : null, links, now);
        return Results.Content(html, "text/html; charset=utf-8");
    }

    /// <summary><c>GET /admin/status/connections/{id}</c>: one connection's state and its timeline, newest attempt first.</summary>
    public static async Task<IResult> RenderConnectionAsync(
        string connectionId, IConnectionStore store, IReconnectLinks links, TimeProvider time, CancellationToken cancellationToken)
    {
        var connection = await store.FindAsync(connectionId, cancellationToken);
        var html = new StringBuilder(8192);
        Head(html, $"TokenWorkers: {connectionId}");
        if (connection is null)
        {
            html.Append("<p><a href=\"../../status\">All connections</a></p><h1>Unknown connection</h1><p>No connection <code>")
                .Append(Encode(connectionId)).Append("</code> is stored.</p></body></html>");
            return Results.Content(html.ToString(), "text/html; charset=utf-8", statusCode: StatusCodes.Status404NotFound);
        }

        RenderConnection(html, connection, links, time.GetUtcNow());
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static void RenderConnection(StringBuilder html, Connection c, IReconnectLinks links, DateTimeOffset now)
    {
        var health = ConnectionHealths.Of(c, now);
        html.Append("<p><a href=\"../../status\">All connections</a></p><h1><code>").Append(Encode(c.ConnectionId))
            .Append("</code> <span class=\"pill ").Append(health).Append("\" id=\"health\">").Append(health).Append("</span></h1>");
        html.Append("<dl id=\"connection\">");
        Field(html, "Tenant", Encode(c.TenantId));
        Field(html, "Member", c.MemberUrn is null ? "—" : $"<code>{Encode(c.MemberUrn)}</code>");
        Field(html, "Status", $"{c.Status} (version {c.Version.ToString(CultureInfo.InvariantCulture)})");
        Field(html, "Scopes", c.Scopes.Count == 0 ? "—" : Encode(string.Join(", ", c.Scopes)));
        Field(html, "Access token expires", When(c.AccessTokenExpiresAt, now) + Absolute(c.AccessTokenExpiresAt));
        Field(html, "Refresh token ends", When(c.RefreshTokenExpiresAt, now) + Absolute(c.RefreshTokenExpiresAt));
        Field(html, "Next check", When(c.NextRefreshAt, now) + Absolute(c.NextRefreshAt));
        Field(html, "Last refreshed", When(c.LastRefreshedAt, now));
        Field(html, "Connected", $"{Date(c.CreatedAt)}");
        Field(html, "Failures in a row", c.FailureCount.ToString(CultureInfo.InvariantCulture));
        if (c.LastFailure is { } failure)
        {
            Field(html, "Last failure", $"{failure.Class} {(failure.ErrorCode is null ? "" : $"<code>{Encode(failure.ErrorCode)}</code> ")}{Encode(failure.Message)} <span class=\"muted\">{Relative(failure.At, now)}</span>");
        }

        if (c.Lease is { } lease && lease.Until > now)
        {
            Field(html, "Leased by", $"<code>{Encode(lease.Holder)}</code> until {Date(lease.Until)}");
        }

        if (c.Status != ConnectionStatus.Active && links.LinkFor(c.ConnectionId, c.TenantId) is { } link)
        {
            Field(html, "Reconnect", $"<a href=\"{Encode(link.AbsoluteUri)}\">{Encode(link.AbsoluteUri)}</a>");
        }

        html.Append("</dl><h2>Timeline</h2>");
        if (c.Attempts.Count == 0)
        {
            html.Append("<p class=\"muted\" id=\"no-attempts\">No attempt recorded yet.</p>");
        }
        else
        {
            html.Append("<table id=\"timeline\"><thead><tr><th>When</th><th>Trigger</th><th>Outcome</th><th>LinkedIn code</th><th>Version</th></tr></thead><tbody>");
            foreach (var attempt in c.Attempts.Reverse())
            {
                html.Append("<tr class=\"attempt\" data-trigger=\"").Append(attempt.Trigger).Append("\" data-outcome=\"").Append(attempt.Outcome)
                    .Append("\"><td>").Append(Date(attempt.At)).Append(" <span class=\"muted\">").Append(Relative(attempt.At, now))
                    .Append("</span></td><td>").Append(attempt.Trigger).Append("</td><td class=\"outcome ").Append(attempt.Outcome).Append("\">")
                    .Append(attempt.Outcome).Append("</td><td>").Append(attempt.ErrorCode is null ? "" : $"<code>{Encode(attempt.ErrorCode)}</code>")
                    .Append("</td><td>").Append(attempt.Version.ToString(CultureInfo.InvariantCulture)).Append("</td></tr>");
            }

            html.Append("</tbody></table>");
        }

        html.Append("</body></html>");
    }

    private static void Field(StringBuilder html, string label, string valueHtml) =>
        html.Append("<dt>").Append(label).Append("</dt><dd>").Append(valueHtml).Append("</dd>");

    private static string Absolute(DateTimeOffset? at) => at is { } date ? $" <span class=\"muted\">{Date(date)}</span>" : "";

    internal static string Render(FleetSummary summary, IReadOnlyList<Connection> connections, string? next, IReconnectLinks links, DateTimeOffset now)
    {
        var html = new StringBuilder(4096 + (connections.Count * 900));
        Head(html, "TokenWorkers status");
        html.Append("<h1>TokenWorkers fleet</h1><p class=\"muted\">Rendered ").Append(Date(now))
            .Append(". Bars run from 30 days ago to a year ahead: the upper, lighter bar is the refresh token's life up to its hard end, ")
            .Append("the lower bar the current access token's; the black line is now.</p>");

        html.Append("<section class=\"deadlines\" id=\"deadlines\">");
        Card(html, "next-access-expiry", "Next access-token expiry", summary.EarliestAccessTokenExpiry, now);
        Card(html, "next-refresh-end", "Next refresh-token hard end", summary.EarliestRefreshTokenEnd, now);
        html.Append("<div class=\"card\" id=\"counts\"><span>Connections</span><b data-total=\"")
            .Append(summary.Total.ToString(CultureInfo.InvariantCulture)).Append("\">")
            .Append(summary.Total.ToString("N0", CultureInfo.InvariantCulture)).Append("</b><span class=\"muted\">");
        html.AppendJoin(" · ", Enum.GetValues<ConnectionStatus>().Select(s =>
            $"<span data-status=\"{s}\" data-count=\"{summary.CountOf(s).ToString(CultureInfo.InvariantCulture)}\">{summary.CountOf(s):N0} {s}</span>"));
        html.Append("</span></div></section>");

        html.Append("<table id=\"connections\"><thead><tr><th>Connection</th><th>Tenant</th><th>Health</th><th>Lifetimes</th>")
            .Append("<th>Access token expires</th><th>Refresh token ends</th><th>Next check</th><th>Last failure</th></tr></thead><tbody>");
        foreach (var c in connections)
        {
            Row(html, c, links, now);
        }

        html.Append("</tbody></table>");
        if (connections.Count == 0)
        {
            html.Append("<p id=\"empty\">No connections yet. Connect one through <code>/connect/linkedin</code>.</p>");
        }

        if (next is not null)
        {
            html.Append("<p><a id=\"next-page\" href=\"status?after=").Append(Uri.EscapeDataString(next)).Append("\">Next page</a></p>");
        }

        html.Append("</body></html>");
        return html.ToString();
    }

    private static void Head(StringBuilder html, string title)
    {
        html.Append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
            .Append("<title>").Append(Encode(title)).Append("</title>").Append(Styles).Append("</head><body>");
    }

    private static void Card(StringBuilder html, string id, string label, DateTimeOffset? at, DateTimeOffset now)
    {
        html.Append("<div class=\"card\" id=\"").Append(id).Append("\"><span>").Append(label).Append("</span><b");
        if (at is { } date)
        {
            html.Append(" data-at=\"").Append(date.ToString("O", CultureInfo.InvariantCulture)).Append("\">").Append(Relative(date, now))
                .Append("</b><span class=\"muted\">").Append(Date(date)).Append("</span>");
        }
        else
        {
            html.Append(">none</b><span class=\"muted\">no active connection</span>");
        }

        html.Append("</div>");
    }

    private static void Row(StringBuilder html, Connection c, IReconnectLinks links, DateTimeOffset now)
    {
        var health = ConnectionHealths.Of(c, now);
        var id = Encode(c.ConnectionId);
        html.Append("<tr class=\"connection ").Append(health).Append("\" data-connection-id=\"").Append(id)
            .Append("\" data-health=\"").Append(health).Append("\"><td><a class=\"id\" href=\"status/connections/")
            .Append(Encode(Uri.EscapeDataString(c.ConnectionId))).Append("\"><code>").Append(id).Append("</code></a>");
        if (c.Status != ConnectionStatus.Active && links.LinkFor(c.ConnectionId, c.TenantId) is { } link)
        {
            html.Append(" <a href=\"").Append(Encode(link.AbsoluteUri)).Append("\">reconnect</a>");
        }

        html.Append("</td><td>").Append(Encode(c.TenantId)).Append("</td><td><span class=\"pill ").Append(health).Append("\">")
            .Append(health).Append("</span></td><td><div class=\"bar ").Append(health).Append("\">");
        var start = now - AxisPast;
        if (c.RefreshTokenExpiresAt is { } end)
        {
            Segment(html, "refresh", c.CreatedAt, end, start);
        }

        if (c.AccessTokenExpiresAt is { } expiry)
        {
            Segment(html, "access", c.LastRefreshedAt ?? c.CreatedAt, expiry, start);
        }

        html.Append("<span class=\"now\" style=\"left:").Append(Percent(now, start)).Append("%\"></span></div></td>");
        html.Append("<td>").Append(When(c.AccessTokenExpiresAt, now)).Append("</td><td>").Append(When(c.RefreshTokenExpiresAt, now))
            .Append("</td><td>").Append(When(c.NextRefreshAt, now)).Append("</td><td>");
        if (c.LastFailure is { } failure)
        {
            html.Append(failure.Class);
            if (failure.ErrorCode is not null)
            {
                html.Append(" <code>").Append(Encode(failure.ErrorCode)).Append("</code>");
            }

            html.Append(" <span class=\"muted\">").Append(Relative(failure.At, now)).Append("</span>");
        }

        html.Append("</td></tr>");
    }

    private static void Segment(StringBuilder html, string kind, DateTimeOffset from, DateTimeOffset to, DateTimeOffset start)
    {
        var left = Percent(from, start);
        var right = Percent(to, start);
        if (right <= left)
        {
            return;
        }

        html.Append("<span class=\"seg ").Append(kind).Append("\" style=\"left:").Append(left.ToString("0.##", CultureInfo.InvariantCulture))
            .Append("%;width:").Append((right - left).ToString("0.##", CultureInfo.InvariantCulture)).Append("%\"></span>");
    }

    private static double Percent(DateTimeOffset at, DateTimeOffset start) =>
        Math.Round(Math.Clamp((at - start) / (AxisPast + AxisFuture), 0, 1) * 100, 2);

    private static string When(DateTimeOffset? at, DateTimeOffset now) =>
        at is { } date ? $"<span title=\"{Date(date)}\">{Relative(date, now)}</span>" : "<span class=\"muted\">—</span>";

    private static string Relative(DateTimeOffset at, DateTimeOffset now)
    {
        var span = at - now;
        var magnitude = span.Duration();
        var text = magnitude.TotalDays >= 2 ? $"{magnitude.TotalDays:0} days"
            : magnitude.TotalHours >= 2 ? $"{magnitude.TotalHours:0} hours"
            : magnitude.TotalMinutes >= 1.5 ? $"{magnitude.TotalMinutes:0} minutes"
            : "1 minute";
        return span >= TimeSpan.Zero ? $"in {text}" : $"{text} ago";
    }

    private static string Date(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Encode(string value) => WebUtility.HtmlEncode(value);
}
