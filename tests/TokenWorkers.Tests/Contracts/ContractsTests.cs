using System.Reflection;
using TokenWorkers.Contracts;

namespace TokenWorkers.Tests.Contracts;

public class ContractsTests
{
    private static readonly Type[] Events = typeof(IConnectionEvent).Assembly.GetTypes()
        .Where(t => t.IsClass && (typeof(IConnectionEvent).IsAssignableFrom(t) || typeof(IPostEvent).IsAssignableFrom(t) || t == typeof(PublishPost)))
        .ToArray();

    [Fact]
    public void The_posting_messages_are_among_the_checked_contracts()
    {
        Assert.Contains(typeof(PublishPost), Events);
        Assert.Contains(typeof(PostPublished), Events);
        Assert.Contains(typeof(PostFailed), Events);
    }

    [Fact]
    public void Every_event_is_an_immutable_record_in_a_namespace()
    {
        Assert.NotEmpty(Events);
        foreach (var type in Events)
        {
            Assert.Equal("TokenWorkers.Contracts", type.Namespace);
            Assert.NotNull(type.GetMethod("<Clone>$"));
            Assert.All(type.GetProperties(), p => Assert.True(
                p.SetMethod is null || p.SetMethod.ReturnParameter.GetRequiredCustomModifiers().Contains(typeof(System.Runtime.CompilerServices.IsExternalInit)),
                $"{type.Name}.{p.Name} must be init-only"));
        }
    }

    [Fact]
    public void No_event_has_a_property_that_could_carry_a_secret()
    {
        string[] forbidden = ["token", "secret", "code", "password"];
        foreach (var property in Events.SelectMany(t => t.GetProperties()))
        {
            var name = property.Name.ToLowerInvariant();
            var allowed = name.EndsWith("expiresat", StringComparison.Ordinal) || name == "refreshtokenrotated" || name == "errorcode";
            Assert.False(!allowed && forbidden.Any(name.Contains),
                $"{property.DeclaringType!.Name}.{property.Name} looks like it could carry a secret");
        }
    }

    [Fact]
    public void The_contracts_assembly_depends_on_nothing_but_the_runtime()
    {
        var references = typeof(IConnectionEvent).Assembly.GetReferencedAssemblies().Select(a => a.Name!);

        Assert.All(references, name => Assert.True(name.StartsWith("System", StringComparison.Ordinal), $"unexpected dependency {name}"));
    }
}
