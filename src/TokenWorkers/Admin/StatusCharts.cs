using System.Globalization;
using System.Text;
using TokenWorkers.Connections;
using static TokenWorkers.Admin.StatusHtml;

namespace TokenWorkers.Admin;

/// <summary>
/// The two charts of the status page as inline SVG (no script, no image to fetch): stacked bars with a title and a
/// description for screen readers, a tooltip per bar, and the same numbers in a table under each chart.
/// </summary>
internal static class StatusCharts
{
    private const int BarWidth = 11;
    private const int Gap = 3;
    private const int PlotHeight = 120;
    private const int Left = 34;
    private const int Top = 8;
    private const int Bottom = 22;

    private static readonly (string Class, string Label)[] OutcomeSeries =
    [
        ("refreshed", "refreshed"), ("rejected", "rejected (reauth)"), ("transient", "failed transiently"), ("ratelimited", "rate-limited"),
        ("other", "other failure"),
    ];

    public static void Deadlines(StringBuilder html, IReadOnlyList<DeadlineDay> days, FleetScope scope)
    {
        var total = days.Sum(d => d.Total);
        var peak = days.Count == 0 ? null : days.MaxBy(d => d.Total);
        var description = total == 0
            ? "No access token of an active connection expires and no refresh token ends in the next 60 days."
            : $"{days.Sum(d => d.AccessTokenExpiries):N0} access-token expiries and {days.Sum(d => d.RefreshTokenEnds):N0} refresh-token hard ends "
              + $"in the next 60 days; the busiest day is {peak!.Day:yyyy-MM-dd} with {peak.Total:N0}.";
        Open(html, "deadline-chart", $"Deadlines per day, next 60 days{Scope(scope)}", description);
        var max = Math.Max(1, days.Max(d => d.Total));
        Svg(html, "deadline", days.Count, max, $"Access-token expiries and refresh-token hard ends per UTC day, the next 60 days{Scope(scope)}", description);
        for (var i = 0; i < days.Count; i++)
        {
            var day = days[i];
            var label = $"{day.Day:yyyy-MM-dd}: {day.AccessTokenExpiries:N0} access-token expiries, {day.RefreshTokenEnds:N0} refresh-token hard ends";
            html.Append("<g class=\"day\" data-day=\"").Append(day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture))
                .Append("\" data-access=\"").Append(Number(day.AccessTokenExpiries)).Append("\" data-ends=\"").Append(Number(day.RefreshTokenEnds))
                .Append("\"><title>").Append(label).Append("</title>");
            var y = Top + PlotHeight;
            y = Bar(html, "expiry", i, y, day.AccessTokenExpiries, max);
            Bar(html, "ends", i, y, day.RefreshTokenEnds, max);
            html.Append("</g>");
            if (i % 7 == 0)
            {
                Tick(html, i, day.Day.ToString("MMM d", CultureInfo.InvariantCulture));
            }
        }

        html.Append("</svg>");
        Legend(html, [("expiry", "access-token expiries"), ("ends", "refresh-token hard ends")]);
        html.Append("<details><summary>The numbers</summary><table class=\"numbers\"><thead><tr><th>Day (UTC)</th><th>Access-token expiries</th>")
            .Append("<th>Refresh-token hard ends</th></tr></thead><tbody>");
        foreach (var day in days.Where(d => d.Total > 0))
        {
            html.Append("<tr><td>").Append(day.Day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append("</td><td>")
                .Append(Number(day.AccessTokenExpiries)).Append("</td><td>").Append(Number(day.RefreshTokenEnds)).Append("</td></tr>");
        }

        html.Append("</tbody></table></details></figure>");
    }

    public static void Outcomes(StringBuilder html, IReadOnlyList<OutcomeHour> hours, FleetScope scope)
    {
        var total = hours.Sum(h => h.Total);
        var description = total == 0
            ? "No refresh was attempted in the last 24 hours."
            : $"{total:N0} refresh attempts in the last 24 hours: {hours.Sum(h => h.Refreshed):N0} refreshed, {hours.Sum(h => h.Rejected):N0} rejected, "
              + $"{hours.Sum(h => h.Transient):N0} failed transiently, {hours.Sum(h => h.RateLimited):N0} rate-limited, {hours.Sum(h => h.Other):N0} other failures.";
        Open(html, "outcome-chart", $"Refresh outcomes per hour, last 24 hours{Scope(scope)}", description);
        var max = Math.Max(1, hours.Max(h => h.Total));
        Svg(html, "outcome", hours.Count, max, $"Refresh outcomes per UTC hour, the last 24 hours{Scope(scope)}", description);
        for (var i = 0; i < hours.Count; i++)
        {
            var hour = hours[i];
            int[] values = [hour.Refreshed, hour.Rejected, hour.Transient, hour.RateLimited, hour.Other];
            html.Append("<g class=\"hour\" data-hour=\"").Append(hour.Hour.ToString("yyyy-MM-ddTHH:mm'Z'", CultureInfo.InvariantCulture)).Append('"');
            for (var s = 0; s < OutcomeSeries.Length; s++)
            {
                html.Append(" data-").Append(OutcomeSeries[s].Class).Append("=\"").Append(Number(values[s])).Append('"');
            }

            html.Append("><title>").Append(hour.Hour.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture)).Append(" UTC: ")
                .AppendJoin(", ", OutcomeSeries.Select((series, s) => $"{values[s]:N0} {series.Label}")).Append("</title>");
            var y = Top + PlotHeight;
            for (var s = 0; s < OutcomeSeries.Length; s++)
            {
                y = Bar(html, OutcomeSeries[s].Class, i, y, values[s], max);
            }

            html.Append("</g>");
            if (i % 6 == 0)
            {
                Tick(html, i, hour.Hour.ToString("HH:00", CultureInfo.InvariantCulture));
            }
        }

        html.Append("</svg>");
        Legend(html, OutcomeSeries);
        html.Append("<details><summary>The numbers</summary><table class=\"numbers\"><thead><tr><th>Hour (UTC)</th>")
            .AppendJoin("", OutcomeSeries.Select(s => $"<th>{s.Label}</th>")).Append("</tr></thead><tbody>");
        foreach (var hour in hours.Where(h => h.Total > 0))
        {
            html.Append("<tr><td>").Append(hour.Hour.ToString("yyyy-MM-dd HH:00", CultureInfo.InvariantCulture)).Append("</td>")
                .AppendJoin("", new[] { hour.Refreshed, hour.Rejected, hour.Transient, hour.RateLimited, hour.Other }.Select(v => $"<td>{Number(v)}</td>"))
                .Append("</tr>");
        }

        html.Append("</tbody></table></details></figure>");
    }

    // Series classes must not be the lifetime bars' (.access, .refresh): their CSS sizes would apply to the rects too.
    private static void Open(StringBuilder html, string id, string caption, string description) =>
        html.Append("<figure class=\"chart\" id=\"").Append(id).Append("\"><figcaption>").Append(Encode(caption))
            .Append("</figcaption><p class=\"muted\">").Append(Encode(description)).Append("</p>");

    private static void Svg(StringBuilder html, string id, int bars, int max, string title, string description)
    {
        var width = Left + (bars * (BarWidth + Gap)) + 4;
        var height = Top + PlotHeight + Bottom;
        html.Append("<svg xmlns=\"http://www.w3.org/2000/svg\" role=\"img\" width=\"").Append(width).Append("\" height=\"").Append(height)
            .Append("\" viewBox=\"0 0 ").Append(width).Append(' ').Append(height).Append("\" aria-labelledby=\"").Append(id).Append("-title ")
            .Append(id).Append("-desc\" data-max=\"").Append(Number(max)).Append("\"><title id=\"").Append(id).Append("-title\">").Append(Encode(title))
            .Append("</title><desc id=\"").Append(id).Append("-desc\">").Append(Encode(description)).Append("</desc>")
            .Append("<line class=\"axis\" x1=\"").Append(Left).Append("\" y1=\"").Append(Top + PlotHeight).Append("\" x2=\"").Append(width)
            .Append("\" y2=\"").Append(Top + PlotHeight).Append("\"/>")
            .Append("<text class=\"label\" x=\"").Append(Left - 4).Append("\" y=\"").Append(Top + 8).Append("\" text-anchor=\"end\">").Append(Number(max))
            .Append("</text><text class=\"label\" x=\"").Append(Left - 4).Append("\" y=\"").Append(Top + PlotHeight).Append("\" text-anchor=\"end\">0</text>");
    }

    /// <summary>One segment of a stacked bar, on top of the ones below; returns where the next one starts.</summary>
    private static int Bar(StringBuilder html, string series, int index, int bottom, int value, int max)
    {
        if (value == 0)
        {
            return bottom;
        }

        // At least one pixel, so a single deadline on a day of a large fleet still shows.
        var height = Math.Max(1, (int)Math.Round((double)value / max * PlotHeight));
        html.Append("<rect class=\"").Append(series).Append("\" x=\"").Append(Left + (index * (BarWidth + Gap)) + Gap).Append("\" y=\"")
            .Append(bottom - height).Append("\" width=\"").Append(BarWidth).Append("\" height=\"").Append(height).Append("\"/>");
        return bottom - height;
    }

    private static void Tick(StringBuilder html, int index, string label) =>
        html.Append("<text class=\"label\" x=\"").Append(Left + (index * (BarWidth + Gap)) + Gap).Append("\" y=\"").Append(Top + PlotHeight + 15)
            .Append("\">").Append(Encode(label)).Append("</text>");

    private static void Legend(StringBuilder html, IEnumerable<(string Class, string Label)> series)
    {
        html.Append("<p class=\"legend\">");
        foreach (var (cls, label) in series)
        {
            html.Append("<span><i class=\"key ").Append(cls).Append("\"></i>").Append(Encode(label)).Append("</span>");
        }

        html.Append("</p>");
    }

    private static string Scope(FleetScope scope) =>
        (scope.TenantId is null ? "" : $", tenant {scope.TenantId}") + (scope.App is null ? "" : $", app {scope.App}");

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
