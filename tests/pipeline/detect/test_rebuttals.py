"""A rumour is linked to the official denial that follows it, by the similarity of the claim."""
from __future__ import annotations

from dataclasses import replace

from pipeline.common.options import RebuttalOptions
from pipeline.detect.rebuttals import NOT_REBUTTED, REBUTTED, is_denial, link_rebuttals
from pipeline.detect.stories import build_stories
from tests.pipeline.detect.test_trends_stories import _mention

FALSE = "thong_tin_sai_lech"
RUMOUR = "Uống nước lá đu đủ chữa khỏi sốt xuất huyết, tăng tiểu cầu nhanh"


def _post(n: int, title: str, hours: float) -> object:
    return replace(_mention(n, title, hours, source="fb", signal="thong_tin_sai_lech"), kind="post")


def test_denial_needs_a_denial_word_and_an_authority() -> None:
    assert is_denial(_mention(1, "Sở Y tế bác bỏ tin đồn nước lá đu đủ chữa sốt xuất huyết", 0))
    assert is_denial(_mention(2, "Công an xử phạt người đăng tin sai về dịch bệnh", 0))
    assert not is_denial(_mention(3, "Người dân bác bỏ ý kiến của hàng xóm", 0))
    assert not is_denial(_mention(4, "Sở Y tế khuyến cáo phòng sốt xuất huyết", 0))


def test_rumour_is_unrebutted_until_the_denial_then_rebutted_with_hours() -> None:
    rumour = [_post(1, RUMOUR, 0), _post(2, "Chia sẻ: nước lá đu đủ chữa sốt xuất huyết, tiểu cầu tăng", 3)]
    before = build_stories(rumour)
    assert [r.status for r in link_rebuttals(before, RebuttalOptions(), FALSE).values()] == [NOT_REBUTTED]
    denial = _mention(3, "Sở Y tế bác bỏ thông tin nước lá đu đủ chữa khỏi sốt xuất huyết", 20, source="syt",
                      signal="thong_tin_chung")
    unrelated = _mention(4, "Công an xử phạt người đăng tin sai về giá xăng", 21, source="ca",
                         signal="thong_tin_chung", topic="thong_tin_chung")
    stories = build_stories(rumour + [denial, unrelated])
    rumour_story = next(s for s in stories if s.signal == "thong_tin_sai_lech")
    rebuttal = link_rebuttals(stories, RebuttalOptions(), FALSE)[rumour_story.id]
    assert rebuttal.status == REBUTTED and [m.id for m in rebuttal.documents] == [3]
    assert rebuttal.hours_to_rebuttal == 20.0 and not rebuttal.still_spreading


def test_rumour_still_spreading_after_its_denial_is_flagged() -> None:
    mentions = [_post(1, RUMOUR, 0),
                _mention(2, "Sở Y tế bác bỏ thông tin nước lá đu đủ chữa khỏi sốt xuất huyết", 10, source="syt",
                         signal="thong_tin_sai_lech"),
                _post(3, "Nước lá đu đủ chữa sốt xuất huyết, ai cũng nên biết", 30)]
    rebuttals = link_rebuttals(build_stories(mentions), RebuttalOptions(), FALSE)
    rumour = next(r for r in rebuttals.values() if 1 not in [m.id for m in r.documents] and r.documents)
    assert rumour.hours_to_rebuttal == 10.0 and rumour.still_spreading
