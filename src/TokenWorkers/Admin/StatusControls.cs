using System.Globalization;
using System.Text;
using static TokenWorkers.Admin.StatusHtml;

namespace TokenWorkers.Admin;

/// <summary>The status page's controls: the filter form (tenant, app, health) and the paging links, both keeping the filter.</summary>
internal static class StatusControls
{
    public static void FilterForm(StringBuilder html, StatusFilter filter, StatusRows rows, IReadOnlyList<string> apps)
    {
        // GET: filtering changes nothing, so the form needs no protection against other sites.
        html.Append("<form id=\"filters\" method=\"get\" action=\"status\"><label>Tenant <input name=\"tenant\" maxlength=\"")
            .Append(StatusFilter.MaxValueLength).Append("\" value=\"").Append(Encode(filter.TenantId ?? "")).Append("\"></label>")
            .Append(AppChoice(filter, apps))
            .Append("<label>Health <select name=\"health\"><option value=\"\">any</option>");
        foreach (var health in Enum.GetValues<ConnectionHealth>())
        {
            html.Append("<option value=\"").Append(health).Append('"').Append(filter.Health == health ? " selected" : "").Append('>')
                .Append(health).Append("</option>");
        }

        html.Append("</select></label><button type=\"submit\">Filter</button>");
        if (filter.IsFiltered)
        {
            html.Append(" <a id=\"clear-filters\" href=\"status\">clear</a>");
        }

        html.Append("<span class=\"muted\" id=\"page-info\" data-rows=\"").Append(rows.Rows.Count.ToString(CultureInfo.InvariantCulture))
            .Append("\" data-scanned=\"").Append(rows.Scanned.ToString(CultureInfo.InvariantCulture)).Append("\">")
            .Append(rows.Rows.Count.ToString("N0", CultureInfo.InvariantCulture)).Append(" shown of ")
            .Append(rows.Scanned.ToString("N0", CultureInfo.InvariantCulture)).Append(" read, in id order")
            .Append(rows.ScanBudgetSpent ? "; the page stopped reading early, the next page goes on from there" : "")
            .Append("</span></form>");
    }

    /// <summary>
    /// A choice of the configured apps when there are several (one app needs no filter); an app asked for in the link but no
    /// longer configured stays selectable, since its connections are still stored.
    /// </summary>
    private static string AppChoice(StatusFilter filter, IReadOnlyList<string> apps)
    {
        var names = filter.App is { } asked && !apps.Contains(asked, StringComparer.Ordinal) ? [.. apps, asked] : apps;
        if (names.Count < 2)
        {
            return "";
        }

        var choice = new StringBuilder("<label>App <select name=\"app\"><option value=\"\">any</option>");
        foreach (var name in names)
        {
            choice.Append("<option value=\"").Append(Encode(name)).Append('"').Append(filter.App == name ? " selected" : "").Append('>')
                .Append(Encode(name)).Append("</option>");
        }

        return choice.Append("</select></label>").ToString();
    }

    public static void Pager(StringBuilder html, StatusFilter filter, StatusRows rows)
    {
        html.Append("<nav class=\"pager\">");
        if (filter.After is not null || filter.Before is not null)
        {
            html.Append("<a id=\"first-page\" href=\"").Append(Encode(filter.Link())).Append("\">First page</a> ");
        }

        if (rows.PreviousBefore is { } before)
        {
            html.Append("<a id=\"previous-page\" href=\"").Append(Encode(filter.Link(before: before))).Append("\">Previous page</a> ");
        }

        if (rows.NextAfter is { } next)
        {
            html.Append("<a id=\"next-page\" href=\"").Append(Encode(filter.Link(after: next))).Append("\">Next page</a>");
        }

        html.Append("</nav>");
    }
}
