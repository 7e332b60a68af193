"""Stories join on the specific things documents share, inherit a province, take in the
posts about them and take their title from the news."""
from __future__ import annotations

from dataclasses import replace

from pipeline.detect.stories import StoryOptions, build_stories
from tests.pipeline.detect.test_trends_stories import _mention


def _groups(mentions: list) -> list[list[int]]:
    return sorted(sorted(m.id for m in s.mentions) for s in build_stories(mentions, StoryOptions()))


def test_an_outbreak_told_over_three_days_is_one_story() -> None:
    mentions = [
        _mention(1, "27 học sinh Trường Tiểu học Tịnh Phong nhập viện sau bữa trưa bán trú", 0,
                 topic="an_toan_thuc_pham"),
        _mention(2, "Bếp ăn tư nhân không có giấy phép nấu cho Trường Tiểu học Tịnh Phong", 20, source="b",
                 topic="an_toan_thuc_pham"),
        _mention(3, "Thêm 12 học sinh nhập viện, tổng số ca ngộ độc lên 73 ở xã Tịnh Phong", 44, source="c",
                 topic="an_toan_thuc_pham", province=None),  # names the commune, not the province
        _mention(4, "Phụ huynh bức xúc vì con ngộ độc ở xã Tịnh Phong", 46, source="d", topic="kham_chua_benh"),
        replace(_mention(6, "Phụ huynh Tịnh Phong bức xúc vì bếp ăn không phép", 47, source="fb",
                         topic="quan_ly_tai_chinh"), kind="post"),  # the commune without "xã", as people write
        _mention(5, "Đồng Nai: 30 học sinh Trường Tiểu học Long Bình nhập viện", 50, province="Đồng Nai",
                 topic="an_toan_thuc_pham"),
    ]
    assert _groups(mentions) == [[1, 2, 3, 4, 6], [5]]
    story = next(s for s in build_stories(mentions) if len(s.mentions) == 5)
    assert story.province == "Quảng Ngãi" and story.id == build_stories(mentions[:1])[0].id


def test_a_shared_event_number_joins_only_within_a_topic() -> None:
    mentions = [_mention(1, "61 học sinh nhập viện nghi ngộ độc", 0, topic="an_toan_thuc_pham"),
                _mention(2, "Vụ 61 học sinh: cơ quan chức năng vào cuộc", 5, source="b", topic="an_toan_thuc_pham"),
                _mention(3, "61 học sinh được tặng học bổng", 6, source="c", topic="thong_tin_chung")]
    assert _groups(mentions) == [[1, 2], [3]]


def test_an_unplaced_document_needs_a_close_text_or_a_shared_thing() -> None:
    mentions = [_mention(1, "Số ca sốt xuất huyết ở Quảng Ngãi tăng gấp đôi", 0),
                _mention(2, "Bộ Y tế khuyến cáo phòng sốt xuất huyết mùa mưa", 3, province=None, source="b")]
    assert _groups(mentions) == [[1], [2]]


def test_a_post_joins_the_news_story_it_talks_about_and_the_title_stays_the_news() -> None:
    article = _mention(1, "Bệnh viện Đa khoa tỉnh Quảng Ngãi quá tải, bệnh nhân nằm ghép", 0, topic="kham_chua_benh")
    post = replace(_mention(2, "benh vien da khoa tinh qua tai, nam ghep 3 nguoi 1 giuong 😡😡 #quatai", 2,
                            source="fb", topic="kien_thuc_suc_khoe"), kind="post")
    stories = build_stories([article, post])
    assert len(stories) == 1 and stories[0].title == article.title


def test_a_story_of_posts_takes_an_accented_post_without_emoji() -> None:
    posts = [replace(_mention(1, "5h45 sang ma hang lay so kham benh van dai 😭", 0, source="fb"), kind="post"),
             replace(_mention(2, "5h45 sáng mà hàng lấy số khám bệnh vẫn dài 😭 https://x.y/z", 1, source="fb"),
                     kind="post")]
    stories = build_stories(posts)
    assert [s.title for s in stories] == ["5h45 sáng mà hàng lấy số khám bệnh vẫn dài"]


def test_posts_about_one_child_join_the_news_of_her_death() -> None:
    mentions = [_mention(1, "Bé gái 9 tuổi tử vong vì sốt xuất huyết", 0),
                replace(_mention(2, "Bé 9 tuổi ở Bình Sơn mất vì sxh, mn cẩn thận nha", 3, source="fb",
                                 topic="kien_thuc_suc_khoe"), kind="post"),
                replace(_mention(3, "Thương bé quá 😢 mới 9 tuổi thôi. Gần nhà mình luôn", 5, source="fb2",
                                 topic="kien_thuc_suc_khoe", signal="thong_tin_chung"), kind="post"),
                _mention(4, "Bé 9 tuổi ở Đồng Nai nhập viện vì sốt xuất huyết", 6, source="b", province="Đồng Nai")]
    assert _groups(mentions) == [[1, 2, 3], [4]]
