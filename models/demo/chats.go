package demo

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"math/rand/v2"
	"time"

	"kefudesk/models"
)

// A scenario is a chat as it usually goes: buyer and agent lines in turn.
type scenario struct {
	lines []line
}

type line struct {
	agent bool
	text  string
}

func b(t string) line { return line{false, t} }
func a(t string) line { return line{true, t} }

// scenarios are the kinds of chats a clothing shop gets around Double 11:
// sizes, discounts, late parcels, refunds; some answered well, some not.
var scenarios = []scenario{
	{[]line{b("在吗？这件羽绒服有L码吗"), a("亲，在的呢~ L码有货哦，您平时穿多大码呀"), b("我165，55公斤"), a("亲，建议您拿M码哦，这款版型偏大一些"), b("好的，那我拍M"), a("好的亲，感谢您的支持，有问题随时找我哦~")}},
	{[]line{b("双十一还能再便宜点吗"), a("亲，现在已经是活动最低价了哦，还可以领店铺满300减30的券"), b("能再送个小礼物吗"), a("亲，下单备注一下，我帮您申请赠品哦"), b("好")}},
	{[]line{b("能便宜50吗，买两件"), a("亲，两件的话我这边最多给您优惠50元哦"), b("那我现在拍"), a("好的亲，拍下后我给您改价")}},
	{[]line{b("我的快递怎么三天了还没动"), a("亲，非常抱歉让您久等了，我马上帮您查一下物流"), a("亲，查到了，双十一快递量大，中转站积压了，预计明天更新"), b("能不能快点啊，等着穿"), a("理解您的心情，我已经给快递催件了，有消息第一时间通知您，给您添麻烦了")}},
	{[]line{b("衣服有线头，质量太差了"), a("亲，非常抱歉给您带来不好的体验，麻烦拍一下照片给我看看"), b("[图片]"), a("收到了亲，给您申请退货退款或者补偿10元红包，您看哪种方便"), b("那补偿吧"), a("好的亲，已经给您发了，感谢理解~")}},
	{[]line{b("退款什么时候到账"), a("稍等"), b("？？？"), b("人呢"), a("已经退了")}},
	{[]line{b("这个颜色会不会掉色"), a("亲，我们的面料都是经过检测的，第一次清洗建议冷水单独洗哦"), b("好的"), a("还有其他问题吗亲？"), b("没有了"), a("好的，祝您生活愉快，欢迎下次光临~")}},
	{[]line{b("发什么快递"), a("默认中通哦亲，需要顺丰可以补差价"), b("顺丰要补多少"), a("亲，补8元就可以了")}},
	{[]line{b("我要换个尺码"), a("你自己拍错了不能换"), b("你这什么态度"), a("规定就是这样")}},
	{[]line{b("今天下单什么时候发货"), a("亲，今天16点前下单当天发出哦"), b("好的谢谢")}},
}

// unanswered is a chat the receiving agent never answered.
var unanswered = scenario{[]line{b("在吗？"), b("有人吗，想问下发货时间")}}

var buyers = []string{"tb_小王爱购物", "tb_李女士", "tb_阿杰", "tb_晴天", "tb_momo", "tb_张先生", "tb_小鹿", "tb_梧桐", "tb_糖糖", "tb_大橙子", "tb_学生党", "tb_宝妈一枚"}

var agentNicks = []string{"云裳旗舰店:小美", "云裳旗舰店:阿华", "云裳旗舰店:小晴", "云裳旗舰店:大鹏", "云裳旗舰店:玲玲", "云裳旗舰店:新人01"}

// demoChats writes the demo export: the same bytes every time, so loading
// the demo twice adds nothing (the import skips identical messages).
func demoChats(n int) []byte {
	rng := rand.New(rand.NewPCG(11, 11))
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	first := time.Date(2026, 11, 1, 0, 0, 0, 0, shanghai)
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	_ = w.Write([]string{"会话ID", "买家", "客服", "发送方", "时间", "内容"})
	for i := 0; i < n; i++ {
		sc := scenarios[rng.IntN(len(scenarios))]
		missChance := 3 // some chats get no answer at all in a rush
		day := first.AddDate(0, 0, rng.IntN(14))
		at := day.Add(9*time.Hour + 30*time.Minute + time.Duration(rng.IntN(13*3600))*time.Second)
		buyer := buyers[rng.IntN(len(buyers))] + fmt.Sprint(rng.IntN(300))
		// The newcomer is slower; everyone is slow now and then in a rush.
		agent := agentNicks[rng.IntN(len(agentNicks))]
		slowChance := 8
		if agent == "云裳旗舰店:新人01" {
			slowChance, missChance = 35, 20
		}
		if rng.IntN(100) < missChance {
			sc = unanswered
		}
		conv := fmt.Sprintf("demo-%05d", i)
		for _, l := range sc.lines {
			sender := "买家"
			if l.agent {
				sender = "客服"
				at = at.Add(time.Duration(8+rng.IntN(80)) * time.Second)
				if rng.IntN(100) < slowChance {
					at = at.Add(time.Duration(5+rng.IntN(9)) * time.Minute)
				}
			} else {
				at = at.Add(time.Duration(5+rng.IntN(60)) * time.Second)
			}
			_ = w.Write([]string{conv, buyer, agent, sender, at.Format("2006-01-02 15:04:05"), l.text})
		}
	}
	w.Flush()
	return buf.Bytes()
}

// loadChats imports the demo chats through the same path as a real upload.
func loadChats(ctx context.Context, store *models.Store) (models.ChatImport, error) {
	shanghai, _ := time.LoadLocation("Asia/Shanghai")
	return store.ImportChats(ctx, models.Actor{Name: "demo"}, bytes.NewReader(demoChats(2500)), "demo-chats.csv", shanghai, nil)
}
