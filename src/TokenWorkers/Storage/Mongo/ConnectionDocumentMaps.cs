using MongoDB.Bson;
using MongoDB.Bson.Serialization;
using MongoDB.Bson.Serialization.Serializers;
using TokenWorkers.Connections;
using TokenWorkers.Contracts;

namespace TokenWorkers.Storage.Mongo;

/// <summary>
/// Explicit class maps for the connection documents: every element name and BSON type is written here,
/// nothing comes from conventions, and nothing here changes how other types serialize. Dates are BSON UTC
/// datetimes (milliseconds, see <see cref="BsonTime"/>), enums strings, Guids standard UUIDs (subtype 4),
/// tokens binary. No discriminator is ever written.
/// </summary>
internal static class ConnectionDocumentMaps
{
    private static readonly Lock Gate = new();
    private static bool _registered;

    private static readonly IBsonSerializer<DateTime> UtcDate = new DateTimeSerializer(DateTimeKind.Utc, BsonType.DateTime);
    private static readonly IBsonSerializer<DateTime?> OptionalUtcDate = new NullableSerializer<DateTime>(UtcDate);

    /// <summary>A standard UUID (binary subtype 4) or null; shared with the ledger's map.</summary>
    internal static readonly IBsonSerializer<Guid?> OptionalUuid = new NullableSerializer<Guid>(new GuidSerializer(GuidRepresentation.Standard));

    /// <summary>Registers the maps once per process; safe to call from any thread, any number of times.</summary>
    public static void EnsureRegistered()
    {
        lock (Gate)
        {
            if (_registered)
            {
                return;
            }

            // Nested documents first, so no parent map ever falls back to an automatic map for them.
            Register<TokenDocument>(cm =>
            {
                Common(cm);
                cm.MapMember(t => t.KeyId).SetElementName("keyId").SetIsRequired(true);
                cm.MapMember(t => t.Data).SetElementName("data").SetIsRequired(true)
                    .SetSerializer(new ByteArraySerializer(BsonType.Binary));
            });

            Register<LeaseDocument>(cm =>
            {
                Common(cm);
                cm.MapMember(l => l.Holder).SetElementName("holder").SetIsRequired(true);
                cm.MapMember(l => l.Until).SetElementName("until").SetIsRequired(true).SetSerializer(UtcDate);
            });

            Register<FailureDocument>(cm =>
            {
                Common(cm);
                cm.MapMember(f => f.Class).SetElementName("class").SetIsRequired(true)
                    .SetSerializer(new EnumSerializer<FailureClass>(BsonType.String));
                cm.MapMember(f => f.ErrorCode).SetElementName("errorCode");
                cm.MapMember(f => f.Message).SetElementName("message").SetIsRequired(true);
                cm.MapMember(f => f.At).SetElementName("at").SetIsRequired(true).SetSerializer(UtcDate);
            });

            Register<PendingEventDocument>(cm =>
            {
                Common(cm);
                cm.MapMember(e => e.EventId).SetElementName("eventId").SetIsRequired(true)
                    .SetSerializer(new GuidSerializer(GuidRepresentation.Standard));
                cm.MapMember(e => e.Kind).SetElementName("kind").SetIsRequired(true);
                cm.MapMember(e => e.Payload).SetElementName("payload").SetIsRequired(true);
                cm.MapMember(e => e.CreatedAt).SetElementName("createdAt").SetIsRequired(true).SetSerializer(UtcDate);
                // Optional: documents written before it was kept have none.
                cm.MapMember(e => e.TraceParent).SetElementName("traceParent").SetIgnoreIfNull(true);
            });

            Register<AttemptDocument>(cm =>
            {
                Common(cm);
                cm.MapMember(a => a.At).SetElementName("at").SetIsRequired(true).SetSerializer(UtcDate);
                cm.MapMember(a => a.Trigger).SetElementName("trigger").SetIsRequired(true)
                    .SetSerializer(new EnumSerializer<AttemptTrigger>(BsonType.String));
                cm.MapMember(a => a.Outcome).SetElementName("outcome").SetIsRequired(true)
                    .SetSerializer(new EnumSerializer<AttemptOutcome>(BsonType.String));
                cm.MapMember(a => a.ErrorCode).SetElementName("errorCode");
                cm.MapMember(a => a.Version).SetElementName("version").SetIsRequired(true)
                    .SetSerializer(new Int64Serializer(BsonType.Int64));
            });

            Register<UnreadableDocument>(cm =>
            {
                Common(cm);
                cm.MapMember(u => u.Reason).SetElementName("reason").SetIsRequired(true);
                cm.MapMember(u => u.Message).SetElementName("message").SetIsRequired(true);
                cm.MapMember(u => u.At).SetElementName("at").SetIsRequired(true).SetSerializer(UtcDate);
            });

            Register<ConnectionDocument>(cm =>
            {
                Common(cm);
                cm.MapIdMember(c => c.Id).SetSerializer(new StringSerializer(BsonType.String));
                cm.MapMember(c => c.TenantId).SetElementName("tenantId").SetIsRequired(true);
                cm.MapMember(c => c.MemberUrn).SetElementName("memberUrn");
                cm.MapMember(c => c.App).SetElementName("app");
                cm.MapMember(c => c.Scopes).SetElementName("scopes").SetDefaultValue(() => new List<string>());
                cm.MapMember(c => c.Status).SetElementName("status").SetIsRequired(true)
                    .SetSerializer(new EnumSerializer<ConnectionStatus>(BsonType.String));
                cm.MapMember(c => c.AccessToken).SetElementName("accessToken");
                cm.MapMember(c => c.RefreshToken).SetElementName("refreshToken");
                cm.MapMember(c => c.AccessTokenExpiresAt).SetElementName("accessTokenExpiresAt").SetSerializer(OptionalUtcDate);
                cm.MapMember(c => c.RefreshTokenExpiresAt).SetElementName("refreshTokenExpiresAt").SetSerializer(OptionalUtcDate);
                cm.MapMember(c => c.NextRefreshAt).SetElementName("nextRefreshAt").SetSerializer(OptionalUtcDate);
                cm.MapMember(c => c.LastRefreshedAt).SetElementName("lastRefreshedAt").SetSerializer(OptionalUtcDate);
                cm.MapMember(c => c.CreatedAt).SetElementName("createdAt").SetIsRequired(true).SetSerializer(UtcDate);
                cm.MapMember(c => c.Version).SetElementName("version").SetIsRequired(true)
                    .SetSerializer(new Int64Serializer(BsonType.Int64));
                cm.MapMember(c => c.Lease).SetElementName("lease");
                cm.MapMember(c => c.FailureCount).SetElementName("failureCount");
                cm.MapMember(c => c.LastFailure).SetElementName("lastFailure");
                cm.MapMember(c => c.ProblemSince).SetElementName("problemSince").SetSerializer(OptionalUtcDate);
                cm.MapMember(c => c.ReauthWarningsSent).SetElementName("reauthWarningsSent").SetDefaultValue(() => new List<int>());
                cm.MapMember(c => c.WarningDeadline).SetElementName("warningDeadline").SetSerializer(OptionalUtcDate);
                cm.MapMember(c => c.PendingEvents).SetElementName("pendingEvents")
                    .SetDefaultValue(() => new List<PendingEventDocument>());
                cm.MapMember(c => c.Attempts).SetElementName("attempts")
                    .SetDefaultValue(() => new List<AttemptDocument>());
                cm.MapMember(c => c.OldestPendingAt).SetElementName("oldestPendingAt").SetSerializer(OptionalUtcDate);
                cm.MapMember(c => c.Unreadable).SetElementName("unreadable");
                cm.MapMember(c => c.WriteId).SetElementName("writeId").SetSerializer(OptionalUuid);
            });

            _registered = true;
        }
    }

    private static void Register<T>(Action<BsonClassMap<T>> map)
    {
        // Losing the race to an automatic map (something serialized the type before this ran) would silently
        // store other element names and types: refuse to run instead.
        if (!BsonClassMap.TryRegisterClassMap(map))
        {
            throw new InvalidOperationException(
                $"A BSON class map for {typeof(T).Name} was registered before the store's own; connection documents would not be stored as designed.");
        }
    }

    private static void Common<T>(BsonClassMap<T> map)
    {
        // Documents written by a newer version (an added field) stay readable during a rolling deployment.
        map.SetIgnoreExtraElements(true);
        map.SetDiscriminatorIsRequired(false);
    }
}
