using System.Text.Json;
using MassTransit;
using MassTransit.Serialization;
using TokenWorkers.Contracts;

namespace TokenWorkers.Tests.Contracts;

/// <summary>
/// The facts docs/contracts-versioning.md builds its rules on, checked against MassTransit itself: how a contract is
/// named on the wire and what its default serializer (System.Text.Json with MassTransit's options; the worker configures
/// no other) does with fields and enum values one side does not know.
/// </summary>
public class ContractsOnTheWireTests
{
    private static readonly JsonSerializerOptions WithStringEnums = new(SystemTextJsonMessageSerializer.Options)
    {
        Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() },
    };

    private static readonly Type[] MessageTypes = [.. typeof(PublishPost).Assembly.GetExportedTypes()
        .Where(t => t is { IsEnum: false, Namespace: "TokenWorkers.Contracts" } && !(t.IsAbstract && t.IsSealed))];

    [Fact]
    public void A_contract_is_identified_by_its_namespace_and_type_name()
    {
        Assert.Equal("urn:message:TokenWorkers.Contracts:PublishPost", MessageUrn.ForTypeString<PublishPost>());
        Assert.All(MessageTypes, type => Assert.Equal($"urn:message:TokenWorkers.Contracts:{type.Name}", MessageUrn.ForTypeString(type)));
    }

    [Fact]
    public void An_event_travels_under_its_own_type_and_its_interface()
    {
        Assert.Equal(
            ["urn:message:TokenWorkers.Contracts:ReauthRequired", "urn:message:TokenWorkers.Contracts:IConnectionEvent"],
            MessageTypeCache<ReauthRequired>.MessageTypeNames);
        Assert.Equal(
            ["urn:message:TokenWorkers.Contracts:PostPublished", "urn:message:TokenWorkers.Contracts:IPostEvent"],
            MessageTypeCache<PostPublished>.MessageTypeNames);
    }

    [Fact]
    public void Enum_values_travel_as_their_names_and_properties_in_camel_case()
    {
        var json = JsonSerializer.SerializeToElement(SomeReauthRequired(), SystemTextJsonMessageSerializer.Options);

        Assert.Equal("GrantRejected", json.GetProperty("reason").GetString());
        Assert.Equal("Reauth", json.GetProperty("failureClass").GetString());
        var post = JsonSerializer.SerializeToElement(new PublishPost { PostId = "p", ConnectionId = "c", Text = "t", Visibility = PostVisibility.Connections },
            SystemTextJsonMessageSerializer.Options);
        Assert.Equal("Connections", post.GetProperty("visibility").GetString());
    }

    [Fact]
    public void Every_enum_of_the_contracts_travels_as_its_name_whatever_options_the_receiver_has()
    {
        var enums = typeof(PublishPost).Assembly.GetExportedTypes().Where(t => t.IsEnum).ToList();

        Assert.NotEmpty(enums);
        Assert.All(enums, type =>
        {
            var value = Enum.GetValues(type).GetValue(0)!;
            Assert.Equal($"\"{value}\"", JsonSerializer.Serialize(value, type, JsonSerializerOptions.Default));
        });
    }

    [Fact]
    public void A_number_from_a_sender_on_an_earlier_package_is_still_read()
    {
        var message = Receive<ReauthRequired>(ReauthRequiredJson(reason: "1"));

        Assert.Equal(ReauthReason.GrantRejected, message.Reason);
        Assert.Equal(FailureClass.Reauth, message.FailureClass);
    }

    [Fact]
    public void A_name_is_read_by_this_package_but_not_by_an_earlier_one_with_MassTransit_default_options()
    {
        var json = ReauthRequiredJson(reason: "\"GrantRejected\"").Replace("\"failureClass\": 3", "\"failureClass\": \"Reauth\"", StringComparison.Ordinal);

        Assert.Equal(ReauthReason.GrantRejected, Receive<ReauthRequired>(json).Reason);
        // The enum as packages up to 1.1 declared it: no converter, so System.Text.Json reads numbers only.
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<EarlierReauthRequired>(json, SystemTextJsonMessageSerializer.Options));
        // What docs/contracts-versioning.md tells a subscriber that cannot upgrade yet: a string enum converter in its options.
        Assert.Equal(EarlierReauthReason.GrantRejected, JsonSerializer.Deserialize<EarlierReauthRequired>(json, WithStringEnums)!.Reason);
    }

    [Fact]
    public void A_field_the_receiver_does_not_know_is_ignored()
    {
        var message = Receive<ReauthRequired>(ReauthRequiredJson(reason: "1", extra: """, "escalationLevel": 2, "brandNew": { "nested": [1, 2] }"""));

        Assert.Equal(ReauthReason.GrantRejected, message.Reason);
    }

    [Fact]
    public void An_enum_value_the_receiver_does_not_know_arrives_as_an_undefined_number()
    {
        var message = Receive<ReauthRequired>(ReauthRequiredJson(reason: "99"));

        Assert.Equal((ReauthReason)99, message.Reason);
        Assert.False(Enum.IsDefined(message.Reason));
    }

    [Fact]
    public void An_enum_name_the_receiver_does_not_know_arrives_as_the_undefined_value_0_and_the_message_still_reads()
    {
        var message = Receive<ReauthRequired>(ReauthRequiredJson(reason: "\"AddedByANewerPackage\""));

        Assert.Equal((ReauthReason)0, message.Reason);
        Assert.False(Enum.IsDefined(message.Reason));
        Assert.Equal("acme-ceo", message.ConnectionId);
    }

    [Fact]
    public void A_message_without_a_required_property_cannot_be_read()
    {
        var json = ReauthRequiredJson(reason: "1").Replace("\"connectionId\": \"acme-ceo\",", "", StringComparison.Ordinal);

        var error = Assert.ThrowsAny<Exception>(() => Receive<ReauthRequired>(json));

        Assert.Contains("missing required properties including: 'connectionId'", error.Message, StringComparison.Ordinal);
    }

    /// <summary>Reads a message from a MassTransit JSON envelope as a receiving endpoint does.</summary>
    private static T Receive<T>(string messageJson)
        where T : class
    {
        var envelope = $$"""
            {
              "messageId": "{{Guid.NewGuid()}}",
              "messageType": ["{{MessageUrn.ForTypeString<T>()}}"],
              "message": {{messageJson}}
            }
            """;
        var context = new SystemTextJsonMessageSerializer().Deserialize(
            new StringMessageBody(envelope), new DictionarySendHeaders(new Dictionary<string, object?>()));
        Assert.True(context.TryGetMessage<T>(out var message));
        return message!;
    }

    private static string ReauthRequiredJson(string reason, string extra = "") => $$"""
        {
          "eventId": "5a0f3c4e-8a4b-4a53-9d61-0d3c3d7a9e01",
          "connectionId": "acme-ceo",
          "tenantId": "acme",
          "version": 7,
          "occurredAt": "2026-01-01T00:00:00+00:00",
          "failureClass": 3,
          "reason": {{reason}}{{extra}}
        }
        """;

    private static ReauthRequired SomeReauthRequired() => new()
    {
        EventId = Guid.Parse("5a0f3c4e-8a4b-4a53-9d61-0d3c3d7a9e01"),
        ConnectionId = "acme-ceo",
        TenantId = "acme",
        Version = 7,
        OccurredAt = DateTimeOffset.Parse("2026-01-01T00:00:00+00:00", System.Globalization.CultureInfo.InvariantCulture),
        FailureClass = FailureClass.Reauth,
        Reason = ReauthReason.GrantRejected,
    };
}

/// <summary>The enum as packages up to 1.1 declared it (no converter).</summary>
public enum EarlierReauthReason
{
    GrantRejected = 1,
}

/// <summary>ReauthRequired's reason as packages up to 1.1 declared it.</summary>
public sealed record EarlierReauthRequired
{
    public EarlierReauthReason Reason { get; init; }
}
