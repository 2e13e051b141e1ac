using System.Collections;
using TokenWorkers.Connections;

namespace TokenWorkers.Tests.TestSupport;

public sealed class SomeTests
{
    // The store round-trip tests rely on this sample: a field it leaves at its default would be
    // "round-tripped" even by a store that drops it.
    [Fact]
    public void The_fully_populated_connection_sets_every_field_to_a_non_default_value()
    {
        var unset = UnsetProperties(Some.FullyPopulatedConnection(), nameof(Connection));

        Assert.Empty(unset);
    }

    [Fact]
    public void Snapshots_differ_when_only_a_date_offset_or_millisecond_differs()
    {
        var connection = Some.Connection();

        Assert.NotEqual(
            Snapshot.Of(connection),
            Snapshot.Of(connection with { CreatedAt = The.Now.ToOffset(TimeSpan.FromHours(2)) }));
        Assert.NotEqual(
            Snapshot.Of(connection),
            Snapshot.Of(connection with { CreatedAt = The.Now.AddMilliseconds(1) }));
        Assert.NotEqual(
            Snapshot.Of(connection),
            Snapshot.Of(connection with { Scopes = ["openid"] }));
    }

    private static IEnumerable<string> UnsetProperties(object value, string path)
    {
        foreach (var property in value.GetType().GetProperties().Where(p => p.GetIndexParameters().Length == 0))
        {
            var name = $"{path}.{property.Name}";
            var propertyValue = property.GetValue(value);
            var type = property.PropertyType;

            if (propertyValue is null
                || (propertyValue is IEnumerable items and not string && !items.Cast<object>().Any())
                || (type.IsValueType && propertyValue.Equals(Activator.CreateInstance(type)))
                || (type.IsEnum && propertyValue.Equals(Enum.GetValues(type).GetValue(0))))
            {
                yield return name;
            }
            else if (type.IsClass && type != typeof(string) && type != typeof(SecretToken) && propertyValue is not IEnumerable)
            {
                foreach (var nested in UnsetProperties(propertyValue, name))
                {
                    yield return nested;
                }
            }
        }
    }
}
