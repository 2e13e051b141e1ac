using System.Globalization;

namespace TokenWorkers.Benchmarks;

/// <summary>Repeated measurements of one quantity: the table shows the median and the spread (min to max).</summary>
public sealed class Samples(string unit)
{
    private readonly List<double> _values = [];

    public string Unit { get; } = unit;

    public IReadOnlyList<double> Values => _values;

    /// <summary>The latest measurement, a warm-up's included.</summary>
    public double Last { get; private set; } = double.NaN;

    public void Add(double value) => Add(0, value);

    /// <summary>Records the measurement of <paramref name="run"/>; a warm-up run (negative) is only remembered as <see cref="Last"/>.</summary>
    public void Add(int run, double value)
    {
        Last = value;
        if (run >= 0)
        {
            _values.Add(value);
        }
    }

    public double Median
    {
        get
        {
            if (_values.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _values.Order().ToArray();
            var middle = sorted.Length / 2;
            return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        }
    }

    public static string Format(double value) => value switch
    {
        double.NaN => "n/a",
        >= 100 => value.ToString("N0", CultureInfo.InvariantCulture),
        >= 10 => value.ToString("N1", CultureInfo.InvariantCulture),
        _ => value.ToString("0.###", CultureInfo.InvariantCulture),
    };

    public string MedianText => $"{Format(Median)} {Unit}";

    public string SpreadText => _values.Count == 0 ? "" : $"{Format(_values.Min())} to {Format(_values.Max())}";

    /// <summary>The p-th percentile (0 to 100) of a set of observations, nearest rank.</summary>
    public static double Percentile(IReadOnlyList<double> observations, double p)
    {
        if (observations.Count == 0)
        {
            return double.NaN;
        }

        var sorted = observations.Order().ToArray();
        var rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>One row of the results table.</summary>
public sealed record ResultRow(string Case, string Metric, Samples Samples, string Comparison = "", string Target = "", bool? Met = null);
