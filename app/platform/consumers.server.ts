// Registers every production outbox consumer. Imported wherever events are emitted,
// so each event gets a delivery row per consumer in the same transaction.
import { notifyFromEvents } from "~/feed/notifications.server";
import { registerConsumer } from "./outbox.server";

registerConsumer({ name: "notifications", topics: ["content.created", "reaction.added"], handle: notifyFromEvents });
import { registerSearchConsumer } from "~/knowledge/indexer.server";

registerSearchConsumer();
import { registerListeningConsumer } from "~/knowledge/listening.server";

registerListeningConsumer();
