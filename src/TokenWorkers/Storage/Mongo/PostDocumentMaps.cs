using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;
using TokenWorkers.Events;
using TokenWorkers.Posts;

namespace TokenWorkers.Storage.Mongo;

/// <summary>Explicit class maps for the ledger's documents, in the style of <see cref="ConnectionDocumentMaps"/>.</summary>
internal static class PostDocumentMaps
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    private static readonly IBsonSerializer<DateTime> UtcDate = new DateTimeSerializer(DateTimeKind.Utc, BsonType.DateTime);
    private static readonly IBsonSerializer<DateTime?> OptionalUtcDate = new NullableSerializer<DateTime>(UtcDate);

    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            // The lease document's map is the connection store's.
            ConnectionDocumentMaps.EnsureRegistered();
            Register<PostErrorDocument>(cm =>
            {
                cm.MapMember(e => e.Class).SetElementName("class").SetIsRequired(true).SetSerializer(new EnumSerializer<FailureClass>(BsonType.String));
                cm.MapMember(e => e.Message).SetElementName("message").SetIsRequired(true);
                cm.MapMember(e => e.At).SetElementName("at").SetIsRequired(true).SetSerializer(UtcDate);
            });
            Register<PostHoldDocument>(cm =>
            {
                cm.MapMember(h => h.Reason).SetElementName("reason").SetIsRequired(true).SetSerializer(new EnumSerializer<PostHoldReason>(BsonType.String));
                cm.MapMember(h => h.Description).SetElementName("description").SetIsRequired(true);
                cm.MapMember(h => h.Until).SetElementName("until").SetSerializer(OptionalUtcDate);
                cm.MapMember(h => h.Since).SetElementName("since").SetIsRequired(true).SetSerializer(UtcDate);
                cm.MapMember(h => h.TenantId).SetElementName("tenantId").SetIgnoreIfNull(true);
            });
            Register<PostImageDocument>(cm =>
            {
                cm.MapMember(i => i.Source).SetElementName("source").SetIsRequired(true).SetSerializer(new EnumSerializer<ImageSource>(BsonType.String));
                cm.MapMember(i => i.Reference).SetElementName("reference").SetIsRequired(true);
                cm.MapMember(i => i.AltText).SetElementName("altText").SetIgnoreIfNull(true);
                cm.MapMember(i => i.Stage).SetElementName("stage").SetIsRequired(true).SetSerializer(new EnumSerializer<ImageStage>(BsonType.String));
                cm.MapMember(i => i.ImageUrn).SetElementName("imageUrn").SetIgnoreIfNull(true);
                cm.MapMember(i => i.UploadUrl).SetElementName("uploadUrl").SetIgnoreIfNull(true);
                cm.MapMember(i => i.UploadUrlExpiresAt).SetElementName("uploadUrlExpiresAt").SetSerializer(OptionalUtcDate).SetIgnoreIfNull(true);
            });
            Register<PostDocument>(cm =>
            {
                cm.MapIdMember(p => p.Id).SetSerializer(new StringSerializer(BsonType.String));
                cm.MapMember(p => p.ConnectionId).SetElementName("connectionId").SetIsRequired(true);
                cm.MapMember(p => p.Text).SetElementName("text").SetIsRequired(true);
                cm.MapMember(p => p.Visibility).SetElementName("visibility").SetIsRequired(true)
                    .SetSerializer(new EnumSerializer<PostVisibility>(BsonType.String));
                cm.MapMember(p => p.ArticleUrl).SetElementName("articleUrl");
                cm.MapMember(p => p.ArticleTitle).SetElementName("articleTitle");
                cm.MapMember(p => p.ArticleDescription).SetElementName("articleDescription");
                cm.MapMember(p => p.Author).SetElementName("author").SetIgnoreIfNull(true);
                cm.MapMember(p => p.State).SetElementName("state").SetIsRequired(true).SetSerializer(new EnumSerializer<PostState>(BsonType.String));
                cm.MapMember(p => p.Attempts).SetElementName("attempts");
                cm.MapMember(p => p.Urn).SetElementName("urn");
                cm.MapMember(p => p.LastError).SetElementName("lastError");
                cm.MapMember(p => p.NotBefore).SetElementName("notBefore").SetSerializer(OptionalUtcDate);
                cm.MapMember(p => p.Claim).SetElementName("claim");
                cm.MapMember(p => p.AwaitingConnectionVersion).SetElementName("awaitingConnectionVersion")
                    .SetSerializer(new NullableSerializer<long>(new Int64Serializer(BsonType.Int64)));
                // Written as null when the hold ends: the update $sets every element, and an absent one would keep the old hold.
                cm.MapMember(p => p.Hold).SetElementName("hold");
                cm.MapMember(p => p.AttemptStartedAt).SetElementName("attemptStartedAt").SetSerializer(OptionalUtcDate);
                cm.MapMember(p => p.UncertainSince).SetElementName("uncertainSince").SetSerializer(OptionalUtcDate);
                cm.MapMember(p => p.PublishAt).SetElementName("publishAt").SetSerializer(OptionalUtcDate);
                cm.MapMember(p => p.CancelReason).SetElementName("cancelReason");
                cm.MapMember(p => p.TenantId).SetElementName("tenantId");
                // Written as null when absent: the update $sets every element.
                cm.MapMember(p => p.Images).SetElementName("images");
                cm.MapMember(p => p.Version).SetElementName("version").SetIsRequired(true).SetSerializer(new Int64Serializer(BsonType.Int64));
                cm.MapMember(p => p.CreatedAt).SetElementName("createdAt").SetIsRequired(true).SetSerializer(UtcDate);
                cm.MapMember(p => p.UpdatedAt).SetElementName("updatedAt").SetIsRequired(true).SetSerializer(UtcDate);
                cm.MapMember(p => p.PendingEvents).SetElementName("pendingEvents").SetDefaultValue(() => new List<PendingEventDocument>());
                cm.MapMember(p => p.OldestPendingAt).SetElementName("oldestPendingAt").SetSerializer(OptionalUtcDate);
                cm.MapMember(p => p.WriteId).SetElementName("writeId").SetSerializer(ConnectionDocumentMaps.OptionalUuid);
            });
            _registered = true;
        }
    }

    private static void Register<T>(Action<BsonClassMap<T>> map)
    {
        if (!BsonClassMap.TryRegisterClassMap<T>(cm =>
            {
                cm.SetIgnoreExtraElements(true);
                cm.SetDiscriminatorIsRequired(false);
                map(cm);
            }))
        {
            throw new InvalidOperationException($"A BSON class map for {typeof(T).Name} was registered before the ledger's own.");
        }
    }
}
