"""Stories join on the specific things documents share, inherit a province, take in the
posts about them and take their title from the news."""
from __future__ import annotations

from dataclasses import replace

from pipeline.detect.entities import conditions
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


def _post(n: int, title: str, hours: float, **kw: object) -> object:
    return replace(_mention(n, title, hours, source=f"fb{n}", **kw), kind="post")


def test_posts_repeating_a_claim_join_it_whatever_their_labels_and_the_denial_joins_too() -> None:
    mentions = [
        _post(1, "Cúm A đang lan, uống nước chanh muối nóng 3 lần một ngày là khỏi, không cần thuốc", 0,
              signal="thong_tin_sai_lech"),
        _post(2, "Nhà mình 3 người cúm A uống nước chanh muối nóng 2 ngày là khỏi, chữa cúm A hiệu quả", 2,
              signal="thong_tin_chung"),  # the classifier missed the claim told as experience
        _post(3, "Nước chanh muối nóng chữa khỏi cúm A thật không mn?", 5, signal="thong_tin_sai_lech",
              topic="kien_thuc_suc_khoe"),  # a claim is about a disease and health advice at once
        _mention(4, "Sở Y tế bác bỏ thông tin nước chanh muối nóng chữa khỏi cúm A", 14, source="syt",
                 signal="thong_tin_chung"),
        _mention(5, "Số ca cúm A tăng, bệnh viện khuyến cáo tiêm vắc xin cúm", 15, source="b",
                 signal="thong_tin_chung"),  # news about the disease, no denial: not part of the rumour
    ]
    assert _groups(mentions) == [[1, 2, 3, 4], [5]]
    rumour = next(s for s in build_stories(mentions) if len(s.mentions) == 4)
    assert rumour.signal == "thong_tin_sai_lech"  # the denial does not count towards the story's signal


def test_an_article_not_flagged_false_does_not_join_a_claim_on_similarity_alone() -> None:
    mentions = [_post(1, "Uống nước lá đu đủ chữa khỏi sốt xuất huyết, tăng tiểu cầu nhanh", 0,
                      signal="thong_tin_sai_lech"),
                _mention(2, "Bác sĩ hướng dẫn chăm sóc trẻ sốt xuất huyết, theo dõi tiểu cầu", 3, source="b",
                         signal="thong_tin_chung")]
    assert _groups(mentions) == [[1], [2]]


def test_a_post_flagged_false_joins_the_news_of_the_commune_it_names() -> None:
    mentions = [
        _mention(1, "Quảng Ngãi ghi nhận 14 ca sởi tại xã Ba Vì, phần lớn trẻ chưa tiêm vắc xin", 0),
        # "xã Ba Vì" is specific in Quảng Ngãi: the district of Ba Vì was in Hà Nội
        _post(2, "Ở xã Ba Vì mấy hôm nay trẻ con sốt phát ban nhiều lắm, đưa con đi tiêm ngay nha", 6,
              signal="thong_tin_sai_lech", topic="kien_thuc_suc_khoe"),
        # "xã Mộ Đức" covers the former district of Mộ Đức, Quảng Ngãi: too wide to join on
        _mention(3, "Xã Mộ Đức có 3 ca sởi", 7, source="b", topic="dich_benh", signal="thong_tin_chung"),
        _post(4, "Ở xã Mộ Đức điện mất cả ngày mọi người ơi", 8, signal="thong_tin_sai_lech",
              topic="thong_tin_chung"),
    ]
    groups = _groups(mentions)
    assert [1, 2] in groups and not any({3, 4} <= set(g) for g in groups)


def test_counted_children_of_a_commune_join_its_event() -> None:
    mentions = [_mention(1, "Vụ ngộ độc ở Trường Tiểu học Tịnh Phong: 61 học sinh nhập viện", 0,
                         topic="an_toan_thuc_pham"),
                _post(2, "Đã 73 cháu Tịnh Phong nhập viện rồi, mong tỉnh xử lý nghiêm", 30,
                      topic="dich_benh", signal="thong_tin_chung")]
    assert _groups(mentions) == [[1, 2]]


def test_a_document_about_another_disease_does_not_chain_in_through_a_shared_hospital() -> None:
    hospital = ["Bệnh viện Sản - Nhi tỉnh"]
    mentions = [replace(m, facilities=hospital) for m in (
        _mention(1, "Bé gái 9 tuổi tử vong vì sốt xuất huyết tại Bệnh viện Sản - Nhi tỉnh", 0),
        _mention(2, "Bệnh viện Sản - Nhi tỉnh cứu sống bé trai sốc sốt xuất huyết nặng", 30, source="b",
                 topic="kham_chua_benh", signal="dien_hinh_tien_tien"),
        _mention(3, "Bệnh viện Sản - Nhi tỉnh cứu sống sản phụ băng huyết sau sinh", 50, source="c",
                 topic="kham_chua_benh", signal="dien_hinh_tien_tien"),
        _mention(4, "Sản phụ băng huyết được cứu sống nhờ báo động đỏ", 55, source="d",
                 topic="kham_chua_benh", signal="dien_hinh_tien_tien"))]
    assert _groups(mentions) == [[1, 2], [3, 4]]


def test_conditions_are_read_by_their_names() -> None:
    assert conditions("Người bệnh tiểu đường thiếu insulin") == {"đái tháo đường"}
    assert conditions("bé bị sxh, mẹ lo quá") == {"sốt xuất huyết"}
    assert conditions("Sản phụ băng huyết sau sinh") == {"băng huyết"}
    assert conditions("Tình hình lao động ở khu công nghiệp") == set()  # "lao" alone is not tuberculosis


def test_a_document_close_to_two_stories_of_one_topic_joins_them() -> None:
    overload = "kham_chua_benh"
    mentions = [
        _mention(1, "Bệnh viện Đa khoa tỉnh quá tải, bệnh nhân nằm ghép ở khoa Nhi", 0, topic=overload),
        _mention(5, "Dịch sốt xuất huyết tăng mạnh, nhiều ổ dịch mới", 1, source="d"),
        _mention(2, "Khoa Nhi Bệnh viện Đa khoa tỉnh quá tải, ba người một giường", 5, source="b", topic=overload),
        _post(3, "Hỏi điều dưỡng là sao chai dịch truyền hết mà bấm chuông 30 phút không ai đến", 10,
              topic="nhan_luc_to_chuc"),  # a complaint that shares no words with the overload news
        # the news of the complaint tells it as part of the overload: one event, one issue
        _mention(4, "Điều dưỡng bị kiểm điểm vì để người nhà bấm chuông không ai đến khi khoa Nhi quá tải", 20,
                 source="c", topic=overload),
    ]
    assert _groups(mentions) == [[1, 2, 3, 4], [5]]
    assert build_stories(mentions)[0].id == build_stories(mentions[:1])[0].id  # the earlier story's identity


def test_an_outbreak_and_the_overload_it_causes_stay_two_stories() -> None:
    hospital = ["Bệnh viện Đa khoa tỉnh"]
    mentions = [replace(m, facilities=hospital) for m in (
        _mention(1, "Sốt xuất huyết tăng mạnh ở Quảng Ngãi, nhiều ổ dịch mới", 0),
        _mention(2, "Bệnh viện Đa khoa tỉnh quá tải, bệnh nhân nằm ghép", 1, source="b", topic="kham_chua_benh"),
        _mention(3, "Bệnh viện Đa khoa tỉnh quá tải vì sốt xuất huyết tăng mạnh", 5, source="c",
                 topic="kham_chua_benh"))]  # close to both, but the outbreak's news are about the disease
    assert _groups(mentions) == [[1], [2, 3]]
