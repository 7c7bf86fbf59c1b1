# The idgraph real-time service (DESIGN.md, decision 6: capabilities for security).
#
# A client connects, takes the bootstrap capability `Idgraph`, and logs in with a token. The
# session it gets back holds only the capabilities of that token's role; there is no other way
# to reach a method. Every failure (an unknown token, a bad request, a call the session may not
# make) is an RPC exception whose reason is a message for a person.
#
# Identifier kinds, attribute and source names are those of the server's configuration
# (docs/config.md). Profile ids are stable: a merged profile keeps the id of the larger part.
# Times are seconds since the Unix epoch, 0 when unknown. Match weights are fixed point:
# 65536 units per bit of Fellegi–Sunter weight.
@0xdf7171670e7db6dc;

using Cxx = import "/capnp/c++.capnp";
$Cxx.namespace("idg::wire");

const noProfile :UInt64 = 0xffffffffffffffff;
# The profile id of a record that was not taken.

# ---- entry point --------------------------------------------------------------------------

interface Idgraph {
  login @0 (token :Text) -> (session :Session);
  # An unknown token fails with "unknown token" and nothing more.
}

enum Role {
  reader @0;  # reads only
  writer @1;  # reads, ingest and segment definitions
  admin @2;   # reads, writes, erasure, re-resolution and config reload
}

struct Session {
  role @0 :Role;
  reader @1 :Reader;  # every role
  writer @2 :Writer;  # writer and admin; null for a reader
  admin @3 :Admin;    # admin only; null otherwise
}

# ---- reads --------------------------------------------------------------------------------

interface Reader {
  lookup @0 (key :IdentifierKey) -> (result :LookupResult);
  # The profiles holding an identifier. The value is raw: it is normalized as the kind says
  # (" Foo@Example.COM " finds foo@example.com). Fails for an unknown kind or an empty value;
  # a value that does not normalize finds nothing.

  lookupBatch @1 (keys :List(IdentifierKey)) -> (results :List(LookupResult));
  # lookup for each key, results in key order. Fails as a whole when a key would fail alone
  # or when there are more keys than the server's max_batch.

  getProfile @2 (id :UInt64) -> (found :Bool, profile :Profile);
  # A profile by id; an absorbed id leads to the profile that absorbed it.

  explain @3 (a :RecordKey, b :RecordKey) -> (found :Bool, explanation :Explanation);
  # Why two records are one person: the path of edges between them. found is false when either
  # record is unknown or they are in different profiles. Fails for an unknown source.

  explainProfile @4 (id :UInt64) -> (found :Bool, explanation :Explanation);
  # Why a profile's records are one person: all its records and a spanning tree of edges.

  stats @5 (largest :UInt32 = 10) -> (stats :Stats);
  # Counts over the whole graph and the `largest` biggest profiles (at most 1000).

  # Segments (README "Segments"): a query such as `country = "DE" AND records >= 2` names the
  # profiles it holds for, over the graph as of the last completed write. A query that does not
  # parse fails with "query: ", the byte position in the text and what was expected there.

  segmentCount @6 (query :Text) -> (count :UInt64);
  # How many profiles match the query.

  segmentMembers @7 (query :Text, limit :UInt32 = 100, cursor :UInt64 = 0)
      -> (ids :List(UInt64), total :UInt64, next :UInt64);
  # The profiles matching the query, a page at a time.
  #   limit:  most ids in the page, 1 to the server's max_batch; fails otherwise
  #   cursor: 0 for the first page, then the previous page's next
  #   ids:    matching profile ids above cursor, ascending, at most limit
  #   total:  profiles matching, all pages together
  #   next:   cursor for the next page; 0 when this page is the last
  # Each page is read on its own: a write between two pages shows in the later pages only.

  listSegments @8 () -> (segments :List(Segment));
  # The segments saved with Writer.defineSegment, by name, each counted again at this call.
}

struct Segment {
  name @0 :Text;    # as defined
  query @1 :Text;   # the query text as defined
  count @2 :UInt64; # profiles matching it now
}

struct IdentifierKey {
  kind @0 :Text;   # an identifier kind of the config
  value @1 :Text;  # raw value
}

struct RecordKey {
  source @0 :Text;  # a source of the config
  id @1 :Text;      # the record's id in that source
}

struct LookupResult {
  normalized @0 :Text;                # the value as normalized; empty when it does not normalize
  profiles @1 :List(ProfileSummary);  # profiles holding it (usually one), ascending id
}

struct ProfileSummary {
  # What a lookup answers about a profile. Its member records, edges and history are
  # getProfile's: a lookup is the hot path and carries only this.
  id @0 :UInt64;
  golden @1 :List(Field);             # golden record: one value per attribute, config order
  identifiers @2 :List(Identifier);   # distinct, kind order then value
  records @3 :UInt32;                 # how many member records it has
}

struct Profile {
  id @0 :UInt64;
  golden @1 :List(Field);             # golden record: one value per attribute, config order
  identifiers @2 :List(Identifier);   # distinct, kind order then value
  records @3 :List(MemberRecord);     # member records, in load order
  edges @4 :List(Edge);               # a spanning tree of the records: records - 1 edges
  history @5 :List(Event);            # oldest first
}

struct Field {
  name @0 :Text;   # an attribute of the config
  value @1 :Text;  # normalized
}

struct Identifier {
  kind @0 :Text;   # an identifier kind of the config
  value @1 :Text;  # normalized
}

struct MemberRecord {
  source @0 :Text;
  id @1 :Text;         # the record's id in its source
  timestamp @2 :Int64;
}

struct Edge {
  # A reason two records are one person.
  a @0 :UInt32;  # index into the enclosing records list
  b @1 :UInt32;  # index into the enclosing records list
  union {
    identifier @2 :Identifier;  # both records hold this identifier
    fuzzy @3 :FuzzyMatch;       # probabilistic match of their attributes
  }
}

struct FuzzyMatch {
  score @0 :Int64;                # match weight, fixed point
  probability @1 :Float64;        # match probability under the model
  evidence @2 :List(Evidence);    # one per comparison of the model
}

struct Evidence {
  comparison @0 :Text;  # the attribute compared
  level @1 :Text;       # the level the pair reached: "exact", "jaro_winkler>=0.92", "else", "null"
  weight @2 :Int32;     # what that level weighed, fixed point
}

struct Event {
  type @0 :EventType;
  at @1 :Int64;             # when it happened
  other @2 :List(UInt64);   # merged: ids absorbed into this profile; split: parts split off
}

enum EventType {
  created @0;
  merged @1;
  split @2;
}

struct Explanation {
  profile @0 :UInt64;             # the profile holding the records
  records @1 :List(MemberRecord); # explain: the records on the path, from a to b;
                                  # explainProfile: every member record
  edges @2 :List(Edge);           # explain: the path, in order (empty when a = b);
                                  # explainProfile: a spanning tree
}

struct Stats {
  records @0 :UInt64;          # live records
  identifiers @1 :UInt64;      # identifier values held by live records
  profiles @2 :UInt64;
  erasedRecords @3 :UInt64;
  ingestedRecords @4 :UInt64;  # since the server started
  fuzzyLinks @5 :UInt64;       # live probabilistic links
  largest @6 :List(ProfileSize);  # largest first
  memoryBytes @7 :UInt64;      # resident set of the server process
  uptimeSeconds @8 :Float64;   # since the server started
}

struct ProfileSize {
  id @0 :UInt64;
  records @1 :UInt32;
}

# ---- writes -------------------------------------------------------------------------------

interface Writer {
  ingest @0 (records :List(Record)) -> (result :IngestResult);
  # Resolves the records against the graph, as one batch. A bad record (unknown source, no id)
  # or value (unknown kind or attribute, a value that does not normalize) is reported in
  # issues and the others are taken. Fails as a whole when there are more records than the
  # server's max_batch.

  defineSegment @1 (name :Text, query :Text) -> (count :UInt64);
  # Saves the query under `name` for Reader.listSegments, replacing what the name held; count:
  # profiles matching it now. A writer's call, not a reader's, because it changes what the
  # server holds (every session sees the segment) even though it leaves the graph alone.
  # Segments live in the server's memory until it stops. Fails, saving nothing, when the query
  # does not parse (as Reader.segmentCount), when the name is not 1 to 128 of the characters
  # A-Z a-z 0-9 _ . -, or when the name is new and the server holds 10000 segments already.
}

struct Record {
  source @0 :Text;                   # a source of the config
  id @1 :Text;                       # the record's id in that source; required
  timestamp @2 :Int64;
  identifiers @3 :List(Identifier);  # raw values
  attributes @4 :List(Field);        # raw values
}

struct IngestResult {
  profiles @0 :List(UInt64);   # per record, its profile after the batch; noProfile if rejected
  issues @1 :List(Issue);
  merges @2 :List(Merge);      # profiles the batch joined
  splits @3 :List(Split);      # profiles the batch parted
  fuzzyLinks @4 :UInt64;       # probabilistic links found for the batch
}

struct Issue {
  index @0 :UInt32;   # the record's position in the batch
  field @1 :Text;     # "source", "id", or the kind or attribute name
  reason @2 :Text;
  rejected @3 :Bool;  # true: the record was not taken; false: only this value was dropped
}

struct Merge {
  survivor @0 :UInt64;         # the id the merged profile has now
  absorbed @1 :List(UInt64);   # ids that no longer exist, ascending
}

struct Split {
  from @0 :UInt64;          # the earlier profile
  parts @1 :List(UInt64);   # the profiles that now hold its records, ascending
}

# ---- erasure and administration -----------------------------------------------------------

interface Admin {
  eraseProfile @0 (id :UInt64) -> (result :EraseResult);
  # Erases a profile: its records and the identifier values only they held. The records they
  # were linked to are resolved again. Nothing is erased when there is no such profile.

  eraseIdentifier @1 (key :IdentifierKey) -> (result :EraseResult);
  # Erases every profile holding the identifier. Fails for an unknown kind or an empty value.

  reloadConfig @2 () -> (applied :List(Text));
  # Reads the config file the server was started with (`idgraph serve -c FILE`) again and
  # applies what may change while it serves: [server] tokens (logins from now on use the new
  # list; sessions already logged in keep their capabilities until they disconnect, even when
  # their token was removed) and [server] max_batch (calls from now on).
  #   applied: the settings that changed, of "server.tokens" and "server.max_batch"; empty
  #            when nothing did
  # Fails, applying nothing: when anything else differs (engine, kinds, attributes, sources,
  # matching, segments, server.listen, server.threads, server.max_message_bytes), with a
  # message naming what differs and saying that it takes a restart; when the file does not
  # read or parse, with the loader's message (file, line, key); and with "no config file to
  # reload" for a server started without one (a library user's Config in memory). SIGHUP to
  # `idgraph serve` does the same.

  reresolve @3 (retrain :Bool) -> (report :ReresolveReport);
  # Resolves every live record again, for after a lot of real-time ingest: every candidate
  # pair of the block index is scored again (with today's term frequencies), the fuzzy links
  # are rebuilt, and every profile is resolved again, as a bulk resolve of the live records
  # would. Profile ids stay stable: a profile whose records stay together keeps its id, merges
  # and splits are reported as by ingest. Erased records stay erased. Writes wait until it is
  # done; reads go on and see each profile before or after.
  #   retrain: first train the matching model again by EM on the live records, as the bulk
  #            job does, and match with it from then on (ingest too); false keeps the model
  # Fails, changing nothing, when retrain is asked for and the server's config has no
  # [matching] section or fewer than two records are live.

  reresolveProgress @4 () -> (running :Bool, stage :Text, done :UInt64, total :UInt64);
  # How far the re-resolution under way has come, for a progress display (`idgraph reresolve`
  # polls it while it waits).
  #   running: whether one is under way; when not, the other fields tell where the last one
  #            ended (empty and 0 before the first)
  #   stage:   "train" (with retrain), "score" or "resolve"
  #   done, total: the work of that stage done so far, and all of it
}

struct ReresolveReport {
  records @0 :UInt64;           # live records resolved again
  profilesBefore @1 :UInt64;    # profiles before it
  profilesAfter @2 :UInt64;     # profiles after it
  fuzzyLinksBefore @3 :UInt64;  # live probabilistic links before it
  fuzzyLinksAfter @4 :UInt64;   # live probabilistic links after it
  merges @5 :List(Merge);       # profiles it joined
  splits @6 :List(Split);       # profiles it parted
  retrained @7 :Bool;           # whether the model was trained again
  emIterations @8 :UInt32;      # EM iterations of that training (the most of any blocking
                                # rule); 0 when not retrained
  emConverged @9 :Bool;         # whether EM converged (for some blocking rule)
  seconds @10 :Float64;         # how long it took, training included, waiting for earlier
                                # writes not
}

struct EraseResult {
  profiles @0 :List(UInt64);  # profiles erased
  records @1 :UInt64;         # records erased
  identifiers @2 :UInt64;     # identifier values no record holds any more
  merges @3 :List(Merge);     # from resolving the remaining records again
  splits @4 :List(Split);
}
