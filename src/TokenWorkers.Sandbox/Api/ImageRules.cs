using TokenWorkers.Sandbox.Control;
using TokenWorkers.Sandbox.State;

namespace TokenWorkers.Sandbox.Api;

/// <summary>
/// Who may own an image, and whether a post may carry the images it names (docs/linkedin-api.md §10.4–10.6): every image
/// must exist, be the author's, and be <c>AVAILABLE</c>.
/// </summary>
internal sealed class ImageRules(ImageStore images, OrganizationDirectory organizations, RuntimeKnobs knobs)
{
    /// <summary>
    /// Whether the token may register (or read) an image owned by <paramref name="owner"/>: the member's own URN with
    /// <c>w_member_social</c>, or a page the member may post for with <c>w_organization_social</c>, as for posts.
    /// </summary>
    public bool MayOwn(Grant grant, SandboxMember member, string owner) =>
        owner == member.PersonUrn
            ? grant.Contains(Scopes.MemberSocial)
            : PostRules.OrganizationUrn().IsMatch(owner) && grant.Contains(Scopes.OrganizationSocial) && organizations.MayPost(member.Sub, owner);

    /// <summary>The images checked for a post by <paramref name="author"/>, or LinkedIn's refusal for the first that fails.</summary>
    public (PostImages? Checked, IResult? Error) CheckForPost(IReadOnlyList<SandboxPostImage> named, string author, CallRecord call)
    {
        var hidden = false;
        foreach (var reference in named)
        {
            if (images.FindByUrn(reference.Urn) is not { } image)
            {
                return (null, ApiErrors.ImageUnknown(call, reference.Urn));
            }

            if (image.Owner != author)
            {
                return (null, ApiErrors.AssetsNotOwned(call));
            }

            if (image.Status != SandboxImageStatus.Available)
            {
                if (knobs.Settings.UnavailableImagePosts != UnavailableImagePosts.AcceptHidden)
                {
                    return (null, ApiErrors.ImageNotAvailable(call, image.Urn, image.Status));
                }

                hidden = true;
            }
        }

        return (new PostImages(named, hidden), null);
    }
}

/// <summary>The images a post carries, checked; <see cref="Hidden"/> when one was not yet available and such posts are kept hidden.</summary>
internal sealed record PostImages(IReadOnlyList<SandboxPostImage> Images, bool Hidden);
