package io.polyhook.broker.clusterbridge;

import io.polyhook.broker.cluster.RemoteMatch.GroupMember;
import io.polyhook.spi.SharedSubscriptionPolicy;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntUnaryOperator;

/**
 * Which node's member of a shared group gets one message, by the publisher's
 * {@code shared_subscription_policy}, as VerneMQ documents the four values; the chosen node then
 * picks one of its own members, online ones first.
 *
 * <ul>
 *   <li>{@code prefer_local}: a member on this node if there is one, online or not; else another
 *       node's, online ones first.</li>
 *   <li>{@code local_only}: a member on this node, or nobody.</li>
 *   <li>{@code random}: any node with members, online ones first, each node weighted alike.</li>
 *   <li>{@code prefer_online_before_local}: an online member here, else an online member on
 *       another node, else an offline one here, else an offline one elsewhere.</li>
 * </ul>
 */
final class SharedGroupChoice {

    /** The answer for "a member on this node". */
    static final String LOCAL = "";

    private SharedGroupChoice() {
    }

    /**
     * The node whose member gets the message: {@link #LOCAL}, another node's name, or null for
     * nobody.
     *
     * @param localMembers whether this node has members of the group
     * @param localOnline  whether one of them is online
     * @param remote       the other nodes with members
     * @param random       {@code bound -> a number in [0, bound)}
     */
    static String choose(SharedSubscriptionPolicy policy, boolean localMembers, boolean localOnline,
                         List<GroupMember> remote, IntUnaryOperator random) {
        return switch (policy) {
            case LOCAL_ONLY -> localMembers ? LOCAL : null;
            case PREFER_LOCAL -> localMembers ? LOCAL : anyRemote(remote, random);
            case PREFER_ONLINE_BEFORE_LOCAL -> {
                if (localOnline) {
                    yield LOCAL;
                }
                String online = pick(remote, true, random);
                yield online != null ? online : localMembers ? LOCAL : pick(remote, false, random);
            }
            case RANDOM -> {
                List<String> candidates = new ArrayList<>(remote.size() + 1);
                if (localOnline) {
                    candidates.add(LOCAL);
                }
                remote.stream().filter(GroupMember::online).forEach(m -> candidates.add(m.node()));
                if (candidates.isEmpty()) {
                    if (localMembers) {
                        candidates.add(LOCAL);
                    }
                    remote.forEach(m -> candidates.add(m.node()));
                }
                yield candidates.isEmpty() ? null : candidates.get(random.applyAsInt(candidates.size()));
            }
        };
    }

    private static String anyRemote(List<GroupMember> remote, IntUnaryOperator random) {
        String online = pick(remote, true, random);
        return online != null ? online : pick(remote, false, random);
    }

    private static String pick(List<GroupMember> remote, boolean onlineOnly, IntUnaryOperator random) {
        List<String> from = remote.stream().filter(m -> !onlineOnly || m.online()).map(GroupMember::node).toList();
        return from.isEmpty() ? null : from.get(random.applyAsInt(from.size()));
    }
}
