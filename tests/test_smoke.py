from tests.conftest import CliRun


def test_export_json_has_87(cli: CliRun) -> None:
    import json

    result = cli("export", "--format", "json")
    assert result.exit_code == 0, result.output
    assert len(json.loads(result.stdout)) == 87
