/**
 * A group message whose author the viewer blocked (issue 7, DESIGN §8): hidden behind
 * "message from a blocked user" with a Show button; the author sees nothing different.
 */
export function BlockedMessage(props: { onShow(): void }) {
  return (
    <article class="msg msg-blocked" aria-label="message from a blocked user">
      <div class="msg-bubble">
        <p class="msg-hidden">
          <span>message from a blocked user</span>
          <span aria-hidden="true"> — </span>
          <button type="button" class="msg-show" onClick={() => props.onShow()}>
            Show
          </button>
        </p>
      </div>
    </article>
  );
}
