using System.Globalization;
using System.Text;
using TokenWorkers.Connections;
using TokenWorkers.Events;
using TokenWorkers.Telemetry;
using static TokenWorkers.Admin.StatusHtml;

namespace TokenWorkers.Admin;

/// <summary>
/// <c>GET /admin/status/connections/{id}</c>: one connection's state and its timeline, newest attempt first. Read-only
/// for the same reason as <see cref="StatusPage"/>.
/// </summary>
public static class ConnectionStatusPage
{
    public static async Task<IResult> RenderAsync(
        string connectionId,
        HttpResponse response,
        IConnectionStore store,
        IReconnectLinks links,
        UnreadableConnections unreadable,
        TimeProvider time,
        CancellationToken cancellationToken)
    {
        Protect(response);
        var html = new StringBuilder(8192);
        Head(html, $"TokenWorkers: {connectionId}");
        Connection? connection;
        try
        {
            connection = await store.FindAsync(connectionId, cancellationToken);
        }
        catch (UnreadableRowException ex) when (ex.Row is { } row)
        {
            await unreadable.ReportAsync([row], cancellationToken);
            RenderUnreadable(html, row, time.GetUtcNow());
            return Results.Content(html.ToString(), ContentType);
        }

        if (connection is null)
        {
            html.Append("<p><a href=\"../../status\">All connections</a></p><h1>Unknown connection</h1><p>No connection <code>")
                .Append(Encode(connectionId)).Append("</code> is stored.</p></body></html>");
            return Results.Content(html.ToString(), ContentType, statusCode: StatusCodes.Status404NotFound);
        }

        Render(html, connection, links, time.GetUtcNow());
        return Results.Content(html.ToString(), ContentType);
    }

    private static void Render(StringBuilder html, Connection c, IReconnectLinks links, DateTimeOffset now)
    {
        var health = ConnectionHealths.Of(c, now);
        html.Append("<p><a href=\"../../status\">All connections</a></p><h1><code>").Append(Encode(c.ConnectionId))
            .Append("</code> <span class=\"pill ").Append(health).Append("\" id=\"health\">").Append(health).Append("</span></h1>");
        html.Append("<dl id=\"connection\">");
        Field(html, "Tenant", Encode(c.TenantId));
        Field(html, "LinkedIn app", Encode(c.App));
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

    private static void RenderUnreadable(StringBuilder html, UnreadableRow row, DateTimeOffset now)
    {
        html.Append("<p><a href=\"../../status\">All connections</a></p><h1><code>").Append(Encode(row.Id))
            .Append("</code> <span class=\"pill Unreadable\" id=\"health\">Unreadable</span></h1>");
        html.Append("<dl id=\"unreadable\" data-reason=\"").Append(row.Reason).Append("\">");
        Field(html, "Reason", row.Reason.ToString());
        Field(html, "Problem", Encode(row.Message));
        Field(html, "Stored version", row.Version.ToString(CultureInfo.InvariantCulture));
        Field(html, "Flagged", row.FlaggedAt is { } at ? $"{Relative(at, now)} <span class=\"muted\">{Date(at)}</span>" : "just now");
        html.Append("</dl><p class=\"muted\">The scan, the outbox sweep and the views skip this connection; every other one goes on. ")
            .Append("A missing key is fixed by configuring it again; see docs/key-rotation.md.</p></body></html>");
    }

    private static void Field(StringBuilder html, string label, string valueHtml) =>
        html.Append("<dt>").Append(label).Append("</dt><dd>").Append(valueHtml).Append("</dd>");

    private static string Absolute(DateTimeOffset? at) => at is { } date ? $" <span class=\"muted\">{Date(date)}</span>" : "";
}
