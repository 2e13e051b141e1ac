using PublicApiGenerator;
using TokenWorkers.Tests.Contracts.ApiSamples;
using static TokenWorkers.Tests.Contracts.PublicApiDiff;

namespace TokenWorkers.Tests.Contracts;

/// <summary>
/// What the contracts snapshot test reports for each kind of change, shown on real PublicApiGenerator output of
/// sample contracts (<see cref="ApiSamples"/>) that differ from <see cref="Post"/> by one change each.
/// </summary>
public class PublicApiDiffTests
{
    private static readonly string Approved = Api<Post>();

    [Fact]
    public void The_same_API_has_no_difference()
    {
        var diff = Between(Approved, Api<Post>());

        Assert.True(diff.IsEmpty);
    }

    [Fact]
    public void Removing_a_property_is_breaking()
    {
        var change = Assert.Single(Between(Approved, Api<PostWithoutTenant>()).Changes);

        Assert.Equal(ChangeKind.Removed, change.Kind);
        Assert.True(change.Breaking);
        Assert.Equal("public string? TenantId { get; init; }", change.Before);
    }

    [Fact]
    public void Renaming_a_property_is_a_breaking_removal_and_an_addition()
    {
        var diff = Between(Approved, Api<PostWithBodyForText>());

        Assert.True(diff.IsBreaking);
        Assert.Collection(diff.Changes,
            removed => Assert.Equal((ChangeKind.Removed, "public required string Text { get; init; }"), (removed.Kind, removed.Before)),
            added => Assert.Equal((ChangeKind.AddedRequired, "public required string Body { get; init; }"), (added.Kind, added.After)));
    }

    [Fact]
    public void Changing_a_property_type_is_breaking()
    {
        var change = Assert.Single(Between(Approved, Api<PostWithGuidId>()).Changes);

        Assert.Equal(ChangeKind.Changed, change.Kind);
        Assert.True(change.Breaking);
        Assert.Equal("public required System.Guid PostId { get; init; }", change.After);
    }

    [Fact]
    public void Making_a_property_required_is_breaking()
    {
        var change = Assert.Single(Between(Approved, Api<PostRequiringTenant>()).Changes);

        Assert.Equal(ChangeKind.MadeRequired, change.Kind);
        Assert.True(change.Breaking);
        Assert.Equal("public required string? TenantId { get; init; }", change.After);
    }

    [Fact]
    public void Making_a_required_property_optional_is_breaking()
    {
        var change = Assert.Single(Between(Approved, Api<PostWithOptionalText>()).Changes);

        Assert.Equal(ChangeKind.NoLongerRequired, change.Kind);
        Assert.True(change.Breaking);
    }

    [Fact]
    public void Adding_a_required_property_is_breaking()
    {
        var change = Assert.Single(Between(Approved, Api<PostWithRequiredLanguage>()).Changes);

        Assert.Equal(ChangeKind.AddedRequired, change.Kind);
        Assert.True(change.Breaking);
    }

    [Fact]
    public void Adding_an_optional_property_is_a_difference_to_review_but_not_breaking()
    {
        var diff = Between(Approved, Api<PostWithOptionalLanguage>());

        var change = Assert.Single(diff.Changes);
        Assert.Equal((ChangeKind.Added, "public string? Language { get; init; }"), (change.Kind, change.After));
        Assert.False(diff.IsBreaking);
    }

    [Fact]
    public void Deprecating_a_property_is_a_difference_to_review_but_not_breaking()
    {
        var diff = Between(Approved, Api<PostDeprecatingTenant>());

        var change = Assert.Single(diff.Changes);
        Assert.Equal(ChangeKind.ObsoleteChanged, change.Kind);
        Assert.Equal("[System.Obsolete(\"Tenants are implied by the connection.\")] public string? TenantId { get; init; }", change.After);
        Assert.False(diff.IsBreaking);
    }

    [Fact]
    public void Renaming_a_field_on_the_wire_with_an_attribute_is_breaking()
    {
        var change = Assert.Single(Between(Approved, Api<PostWithTextAsBody>()).Changes);

        Assert.Equal(ChangeKind.AttributesChanged, change.Kind);
        Assert.True(change.Breaking);
    }

    [Fact]
    public void Adding_an_enum_value_is_a_difference_to_review_but_not_breaking()
    {
        var diff = Between(Api<Visibility>("Visibility"), Api<VisibilityWithLoggedIn>("Visibility"));

        var change = Assert.Single(diff.Changes);
        Assert.Equal((ChangeKind.Added, "LoggedIn = 3,"), (change.Kind, change.After));
        Assert.False(diff.IsBreaking);
    }

    [Fact]
    public void Renumbering_an_enum_value_is_breaking()
    {
        // Enums travel as numbers: a subscriber on the approved package would read 3 as something else.
        var change = Assert.Single(Between(Api<Visibility>("Visibility"), Api<VisibilityRenumbered>("Visibility")).Changes);

        Assert.Equal((ChangeKind.Changed, "Connections = 2,", "Connections = 3,"), (change.Kind, change.Before, change.After));
    }

    [Fact]
    public void Moving_a_contract_to_another_namespace_is_breaking()
    {
        var diff = Between(Approved, Api<ApiSamples.Moved.Post>());

        Assert.True(diff.IsBreaking);
        Assert.Contains(diff.Changes, c => c.Kind == ChangeKind.Removed && c.Before!.StartsWith("public sealed class Post ", StringComparison.Ordinal));
    }

    [Fact]
    public void A_change_is_attributed_to_the_type_that_declares_the_member()
    {
        const string approved = """
            namespace N
            {
                public sealed class A
                {
                    public required string ConnectionId { get; init; }
                }
                public sealed class B
                {
                    public required string ConnectionId { get; init; }
                }
            }
            """;
        var current = approved.Replace("""
                public sealed class B
                {
                    public required string ConnectionId { get; init; }
                }
            """, """
                public sealed class B
                {
                }
            """, StringComparison.Ordinal);

        var change = Assert.Single(Between(approved, current).Changes);

        Assert.Equal(("N.B", ChangeKind.Removed), (change.Scope, change.Kind));
    }

    [Fact]
    public void The_failure_message_shows_the_change_and_how_to_accept_an_intended_one()
    {
        var message = ContractsApiTests.FailureMessage(Between(Approved, Api<PostRequiringTenant>()), "the.approved.txt");

        Assert.Contains("TokenWorkers.Tests.Contracts.ApiSamples.Post: made required", message, StringComparison.Ordinal);
        Assert.Contains("- public string? TenantId { get; init; }", message, StringComparison.Ordinal);
        Assert.Contains("+ public required string? TenantId { get; init; }", message, StringComparison.Ordinal);
        Assert.Contains("make accept-api", message, StringComparison.Ordinal);
        Assert.Contains(ContractsApiTests.AcceptVariable, message, StringComparison.Ordinal);
    }

    /// <summary>The public API of one sample type, written as if it were named <paramref name="asName"/>.</summary>
    private static string Api<T>(string asName = nameof(Post)) =>
        new[] { typeof(T) }.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false })
            .Replace(typeof(T).Name, asName, StringComparison.Ordinal);
}
