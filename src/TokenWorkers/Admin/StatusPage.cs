using System.Globalization;
using System.Text;
using Microsoft.Extensions.Options;
using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Ports;
using TokenWorkers.Telemetry;
using static TokenWorkers.Admin.StatusHtml;

namespace TokenWorkers.Admin;

/// <summary>
/// <c>GET /admin/status</c>: the fleet on one server-rendered page (no scripts, no front-end build). The fleet's next
/// deadlines at the top; a chart of the deadlines of the next 60 days per day and one of the refresh outcomes per hour of
/// the last day; then one row per connection with a bar of its access-token and refresh-token lifetimes on a shared time
/// axis, coloured by health, filtered by tenant, LinkedIn app and health and paged by id; a connection the store cannot read has its row
/// too, with the reason.
/// Read-only on purpose: a browser sends Basic credentials with any form another site could post, so state changes stay
/// in the API. (Flagging an unreadable row is no state change: it only notes what every reader finds anyway.)
/// </summary>
public static class StatusPage
{
    /// <summary>The bars span from this long before now ...</summary>
    private static readonly TimeSpan AxisPast = TimeSpan.FromDays(30);

    /// <summary>... to just past a refresh token's whole life after now.</summary>
    private static readonly TimeSpan AxisFuture = TimeSpan.FromDays(370);

    public static async Task<IResult> RenderAsync(
        string? tenant,
        string? health,
        string? after,
        string? before,
        string? app,
        HttpContext context,
        IConnectionStore store,
        FleetMonitor fleet,
        IReconnectLinks links,
        ILinkedInApps apps,
        UnreadableConnections unreadable,
        IOptions<AdminOptions> options,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        StatusHtml.Protect(context.Response);
        var (filter, problem) = StatusFilter.Parse(tenant, health, after, before, app);
        if (filter is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The status page cannot show that.", detail: problem);
        }

        var now = time.GetUtcNow();
        var summary = await fleet.GetAsync(TimeSpan.FromSeconds(5), cancellationToken);
        var rows = await StatusPager.ReadAsync(store, filter, options.Value.PageSize, now, cancellationToken);
        await unreadable.ReportAsync([.. rows.UnreadableRows], cancellationToken);
        var (from, until) = DeadlineCalendar.Window(now);
        var deadlines = DeadlineCalendar.Of(await store.ListDeadlinesAsync(from, until, filter.Scope, cancellationToken), now);
        var outcomes = OutcomeHours.Of(await store.ListAttemptsSinceAsync(OutcomeHours.Since(now), filter.Scope, cancellationToken), now);
        var view = new StatusView(summary, rows, filter, deadlines, outcomes) { Apps = [.. apps.Names.Order(StringComparer.Ordinal)] };
        return Results.Content(Render(view, links, now), ContentType);
    }

    internal static string Render(StatusView view, IReconnectLinks links, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(view);
        var (summary, rows, filter) = (view.Summary, view.Rows, view.Filter);
        var html = new StringBuilder(16_384 + (rows.Rows.Count * 900));
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
        html.Append("</span></div>");
        html.Append("<div class=\"card\" id=\"unreadable\"><span>Unreadable</span><b data-count=\"")
            .Append(summary.Unreadable.ToString(CultureInfo.InvariantCulture)).Append("\">")
            .Append(summary.Unreadable.ToString("N0", CultureInfo.InvariantCulture))
            .Append("</b><span class=\"muted\">flagged rows: every other connection goes on</span></div></section>");

        html.Append("<section class=\"charts\">");
        StatusCharts.Deadlines(html, view.Deadlines, filter.Scope);
        StatusCharts.Outcomes(html, view.Outcomes, filter.Scope);
        html.Append("</section>");
        StatusControls.FilterForm(html, filter, rows, view.Apps);

        html.Append("<table id=\"connections\"><thead><tr><th>Connection</th><th>Tenant</th><th>App</th><th>Health</th><th>Lifetimes</th>")
            .Append("<th>Access token expires</th><th>Refresh token ends</th><th>Next check</th><th>Last failure</th></tr></thead><tbody>");
        foreach (var row in rows.Rows)
        {
            if (row.Connection is { } c)
            {
                Row(html, c, links, now);
            }
            else
            {
                UnreadableRowHtml(html, row.Unreadable!, now);
            }
        }

        html.Append("</tbody></table>");
        if (rows.Rows.Count == 0)
        {
            html.Append(filter.IsFiltered || filter.After is not null || filter.Before is not null
                ? "<p id=\"empty\">No connection on this page matches the filter.</p>"
                : "<p id=\"empty\">No connections yet. Connect one through <code>/connect/linkedin</code>.</p>");
        }

        StatusControls.Pager(html, filter, rows);
        html.Append("</body></html>");
        return html.ToString();
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

        html.Append("</td><td>").Append(Encode(c.TenantId)).Append("</td><td class=\"app\">").Append(Encode(c.App))
            .Append("</td><td><span class=\"pill ").Append(health).Append("\">")
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

    private static void UnreadableRowHtml(StringBuilder html, UnreadableRow row, DateTimeOffset now)
    {
        var id = Encode(row.Id);
        html.Append("<tr class=\"connection Unreadable\" data-connection-id=\"").Append(id).Append("\" data-health=\"Unreadable\" data-reason=\"")
            .Append(row.Reason).Append("\"><td><a class=\"id\" href=\"status/connections/").Append(Encode(Uri.EscapeDataString(row.Id)))
            .Append("\"><code>").Append(id).Append("</code></a></td><td>—</td><td>—</td><td><span class=\"pill Unreadable\">Unreadable</span></td>")
            .Append("<td colspan=\"5\"><b>").Append(row.Reason).Append("</b>: ").Append(Encode(row.Message));
        if (row.FlaggedAt is { } flaggedAt)
        {
            html.Append(" <span class=\"muted\">flagged ").Append(Relative(flaggedAt, now)).Append("</span>");
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
}

/// <summary>Everything one status page shows.</summary>
internal sealed record StatusView(
    FleetSummary Summary, StatusRows Rows, StatusFilter Filter, IReadOnlyList<DeadlineDay> Deadlines, IReadOnlyList<OutcomeHour> Outcomes)
{
    /// <summary>The configured LinkedIn apps, for the app filter (shown only when there are several).</summary>
    public IReadOnlyList<string> Apps { get; init; } = [];
}
