package relay.route;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import relay.json.Json;

/** Rules 2 and 3 of protocols.md "Endpoints and listeners", and every conflict between the seeds' first frames. */
@Timeout(10)
class BindingRulesTest {
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource(delimiter = '|', nullValues = "none", textBlock = """
            # rule 3, one line per first frame the seeds' clients send
            {"type":"register_booth","booth_id":"booth_001"}                 | booth
            {"type":"connect_scanner","booth_id":"booth_001"}                | booth
            {"type":"relay_message","data":{"message":"hi"}}                 | booth
            {"type":"ping"}                                                  | booth
            {"type":"register","client_id":"pc","room_id":"r"}               | signaling
            {"type":"offer","target_id":"x","sdp":{}}                        | signaling
            {"type":"answer","target_id":"x","sdp":{}}                       | signaling
            {"type":"ice_candidate","target_id":"x","candidate":{}}          | signaling
            {"action":"login_server","server_code":"ABCD"}                   | carparty
            {"action":"login_client","server_code":"ABCD","client_id":"p1"}  | carparty
            {"id":"ARO-001_dealerPC","token":"MY_TOKEN"}                     | studio
            # fields are checked, not their values: protocol errors are the protocol's to report
            {"type":"register_booth"}                                        | booth
            {"type":"register"}                                              | signaling
            {"action":"login_client"}                                        | carparty
            {"id":"","token":""}                                             | studio
            {"id":null,"token":null}                                         | studio
            # conflicts 000 vs 004 (both on 8765): the type alone decides, whatever the other fields
            {"type":"register","booth_id":"booth_001"}                       | signaling
            {"type":"register_booth","client_id":"pc","room_id":"r"}         | booth
            {"type":"relay_message","target_id":"x","sdp":{}}                | booth
            {"type":"offer","data":{"message":"hi"}}                         | signaling
            # conflicts 000/004 vs 001: type decides before id and token
            {"type":"ping","id":"ARO-001_x","token":"t"}                     | booth
            {"type":"register","id":"ARO-001_x","token":"t"}                 | signaling
            {"type":"status","id":"ARO-001_x","token":"t"}                   | studio
            # conflicts 000/004 vs 003: a known type decides before action
            {"type":"relay_message","action":"login_server"}                 | booth
            {"type":"offer","action":"login_client"}                         | signaling
            {"type":"message","action":"login_server","server_code":"C"}     | carparty
            # conflicts 001 vs 003: action decides before id and token
            {"action":"login_client","id":"ARO-001_x","token":"t"}           | carparty
            {"action":"logout","id":"ARO-001_x","token":"t"}                 | studio
            # no rule fits
            {"type":"hello"}                                                 | none
            {"type":"pong"}                                                  | none
            {"type":5}                                                       | none
            {"type":["register"]}                                            | none
            {"action":"logout"}                                              | none
            {"action":5}                                                     | none
            {"id":"ARO-001_x"}                                               | none
            {"token":"t"}                                                    | none
            {"TYPE":"register"}                                              | none
            {}                                                               | none
            []                                                               | none
            "register"                                                       | none
            """)
    void firstFrameBindsTo(String frame, String protocol) {
        assertEquals(protocol, BindingRules.protocolOf(Json.parse(frame)));
    }

    @ParameterizedTest(name = "?{0} -> {1}")
    @CsvSource(delimiter = '|', emptyValue = "", textBlock = """
            id=ARO-001_dealerPC&token=MY_TOKEN | true
            token=MY_TOKEN&id=ARO-001_dealerPC | true
            x=1&id=a&token=b                   | true
            id=&token=                         | true
            id&token                           | true
            id=ARO-001_dealerPC                | false
            token=MY_TOKEN                     | false
            ids=a&token=b                      | false
            client_id=a&token=b                | false
                                               | false
            """)
    void queryWithIdAndTokenIsStudio(String query, boolean studio) {
        assertEquals(studio, BindingRules.isStudioQuery(query == null ? "" : query));
    }
}
